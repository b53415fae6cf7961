package org.mambamixer.timeseries.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.dataset.Batch;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.mambamixer.runtime.report.Charts;
import org.mambamixer.runtime.train.Batches;
import org.mambamixer.runtime.train.Losses;
import org.mambamixer.runtime.train.TrainingTask;
import org.mambamixer.timeseries.data.WindowSource;
import org.mambamixer.timeseries.model.ForecastModel;

/**
 * Forecasting as a {@link TrainingTask}: MSE on the normalised scale, a shuffle of the training
 * windows seeded per epoch, validation by MSE (with a minimum relative improvement) and MAE over
 * every validation window in order.
 */
public final class Forecaster implements TrainingTask {
  private final ForecastModel model;
  private final TrainConfig config;
  private final WindowSource train;
  private final WindowSource val;

  /** {@code model} must already be initialised; {@code val} may be null (no validation). */
  public Forecaster(ForecastModel model, TrainConfig config, WindowSource train,
      WindowSource val) {
    this.model = model;
    this.config = config;
    this.train = train;
    this.val = val;
  }

  @Override
  public Block model() {
    return model;
  }

  @Override
  public String name() {
    return "tsm2";
  }

  @Override
  public int trainSize() {
    return train.windows();
  }

  @Override
  public Iterator<Batch> batches(NDManager manager, int epoch, int from) {
    int[] order = Batches.shuffled(train.windows(), new Random(config.seed() * 1_000_003L + epoch));
    int t = train.lookback();
    int h = train.horizon();
    int m = train.variates();
    return Batches.of(manager, order, config.batchSize(), from, (batch, idx) -> {
      int n = idx.length;
      float[] xs = new float[n * t * m];
      float[] ys = new float[n * h * m];
      for (int i = 0; i < n; i++) {
        train.fill(idx[i], xs, i * t * m, ys, i * h * m);
      }
      return new Batches.Examples(new NDList(batch.create(xs, new Shape(n, t, m))), // (n, T, M)
          new NDList(batch.create(ys, new Shape(n, h, m)))); // (n, H, M)
    });
  }

  @Override
  public NDArray loss(NDList outputs, NDList labels) {
    return Losses.mse(outputs.singletonOrThrow(), labels.singletonOrThrow());
  }

  @Override
  public String lossColumn() {
    return "train_mse";
  }

  @Override
  public String lossName() {
    return "train MSE";
  }

  @Override
  public List<String> validationColumns() {
    return List.of("val_mse", "val_mae");
  }

  @Override
  public Scores validate(Inference inference) {
    if (val == null) {
      return null;
    }
    Metrics v = evaluate(inference, val, config.evalBatchSize());
    return new Scores(v.mse(), List.of(v.mse(), v.mae()),
        String.format(Locale.ROOT, "val MSE %.4f  val MAE %.4f", v.mse(), v.mae()));
  }

  @Override
  public boolean improves(double score, double best) {
    return config.improves(score, best);
  }

  @Override
  public List<Charts.Curve> curves() {
    return List.of(new Charts.Curve("train", "train_mse", "MSE (normalised)"),
        new Charts.Curve("validation", "val_mse", "MSE (normalised)"));
  }

  /** MSE/MAE over every window of {@code data}, in order; the last partial batch is kept. */
  public static Metrics evaluate(Inference model, WindowSource data, int batchSize) {
    Metrics metrics = new Metrics(data.horizon(), data.variates());
    int t = data.lookback();
    int h = data.horizon();
    int m = data.variates();
    for (int from = 0; from < data.windows(); from += batchSize) {
      int n = Math.min(batchSize, data.windows() - from);
      float[] xs = new float[n * t * m];
      float[] ys = new float[n * h * m];
      for (int i = 0; i < n; i++) {
        data.fill(from + i, xs, i * t * m, ys, i * h * m);
      }
      metrics.add(predict(model, xs, n, t, m), ys);
    }
    return metrics;
  }

  /** Forecasts {@code n} histories {@code x (n, T, M)}; returns (n, H, M). */
  public static float[] predict(Inference model, float[] x, int n, int t, int m) {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray in = model.manager().create(x, new Shape(n, t, m));
      return model.forward(new NDList(in)).singletonOrThrow().toFloatArray();
    }
  }
}
