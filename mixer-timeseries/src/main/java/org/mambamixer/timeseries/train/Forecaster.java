package org.mambamixer.timeseries.train;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import org.mambamixer.api.scan.Backprop;
import org.mambamixer.api.scan.Recompute;
import org.mambamixer.runtime.train.AdamW;
import org.mambamixer.runtime.train.Checkpoint;
import org.mambamixer.runtime.train.Stop;
import org.mambamixer.timeseries.data.WindowSource;
import org.mambamixer.timeseries.model.ForecastModel;

/**
 * Trains and evaluates one TSM2 model: MSE loss, AdamW, a shuffle seeded per epoch and dropout
 * seeded per batch (so a run resumed at any batch replays the same shuffles and masks),
 * evaluation in inference mode over every window.
 */
public final class Forecaster implements AutoCloseable {

  /** Called after each training batch. */
  @FunctionalInterface
  public interface BatchListener {
    void batch(int index, int batches, float loss);
  }

  private final ForecastModel model;
  private final NDManager manager;
  private final TrainConfig config;
  private final AdamW optimizer;
  private final Model djl;
  private ParameterStore ps;

  /** {@code model} must already be initialised on {@code manager}. */
  public Forecaster(ForecastModel model, NDManager manager, TrainConfig config) {
    this.model = model;
    this.manager = manager;
    this.config = config;
    this.optimizer = new AdamW(model.getParameters(), config.weightDecay());
    this.djl = Model.newInstance("tsm2");
    djl.setBlock(model);
    this.ps = new ParameterStore(manager, false);
  }

  public ForecastModel model() {
    return model;
  }

  /** Batches one epoch will run over {@code windows} (respecting the per-epoch cap). */
  public int batchesPerEpoch(int windows) {
    int all = (windows + config.batchSize() - 1) / config.batchSize();
    return config.maxBatchesPerEpoch() > 0 ? Math.min(all, config.maxBatchesPerEpoch()) : all;
  }

  /**
   * One epoch over a seeded shuffle of {@code train}.
   *
   * @return the mean training loss (MSE on the normalised scale)
   */
  public double trainEpoch(WindowSource train, int epoch, BatchListener listener) {
    return trainBatches(train, epoch, 0, batchesPerEpoch(train.windows()),
        config.schedule().at(epoch), listener);
  }

  /**
   * Batches {@code [from, to)} of epoch {@code epoch}'s seeded shuffle: consecutive calls that
   * cover an epoch train exactly as one {@link #trainEpoch} (validation may run between them).
   *
   * @param lr the learning rate of these batches (the schedule's, or less after a plateau)
   * @return the mean training loss over these batches
   */
  public double trainBatches(WindowSource train, int epoch, int from, int to, float lr,
      BatchListener listener) {
    long epochSeed = config.seed() * 1_000_003L + epoch;
    int[] order = shuffled(train.windows(), new Random(epochSeed));
    int batches = batchesPerEpoch(train.windows());
    int t = train.lookback();
    int h = train.horizon();
    int m = train.variates();
    double sum = 0;
    for (int b = from; b < to; b++) {
      Stop.check(epoch, b);
      int first = b * config.batchSize();
      int n = Math.min(config.batchSize(), train.windows() - first);
      float loss;
      // Dropout masks are a function of (seed, epoch, batch) alone, not of the batches before, so
      // a run can resume at any batch and draw the masks an uninterrupted run would have drawn.
      manager.getEngine().setRandomSeed((int) (epochSeed * 65_537L + b));
      try (NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        float[] xs = new float[n * t * m];
        float[] ys = new float[n * h * m];
        for (int i = 0; i < n; i++) {
          train.fill(order[first + i], xs, i * t * m, ys, i * h * m);
        }
        NDArray x = manager.create(xs, new Shape(n, t, m));
        NDArray y = manager.create(ys, new Shape(n, h, m));
        try (Recompute.Mode r = Recompute.enable(config.recompute());
            GradientCollector gc = manager.getEngine().newGradientCollector()) {
          Backprop.discard();
          NDArray pred = model.forward(ps, new NDList(x), true).singletonOrThrow();
          NDArray l = pred.sub(y).square().mean();
          loss = l.getFloat();
          if (!Float.isFinite(loss)) {
            throw new IllegalStateException("training diverged: loss " + loss + " at epoch "
                + (epoch + 1) + ", batch " + (b + 1) + "; lower the learning rate");
          }
          Backprop.backward(l);
        }
        optimizer.step(lr);
      }
      sum += loss;
      if (listener != null) {
        listener.batch(b, batches, loss);
      }
    }
    return sum / (to - from);
  }

  /** MSE/MAE over every window of {@code data}, in order; the last partial batch is kept. */
  public Metrics evaluate(WindowSource data) {
    Metrics metrics = new Metrics(data.horizon(), data.variates());
    int t = data.lookback();
    int h = data.horizon();
    int m = data.variates();
    for (int from = 0; from < data.windows(); from += config.evalBatchSize()) {
      int n = Math.min(config.evalBatchSize(), data.windows() - from);
      float[] xs = new float[n * t * m];
      float[] ys = new float[n * h * m];
      for (int i = 0; i < n; i++) {
        data.fill(from + i, xs, i * t * m, ys, i * h * m);
      }
      metrics.add(predict(xs, n, t, m), ys);
    }
    return metrics;
  }

  /** Forecasts {@code n} histories {@code x (n, T, M)}; returns (n, H, M). */
  public float[] predict(float[] x, int n, int t, int m) {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray in = manager.create(x, new Shape(n, t, m));
      return model.forward(ps, new NDList(in), false).singletonOrThrow().toFloatArray();
    }
  }

  /**
   * Saves a checkpoint folder (DJL weights, optimizer state, manifest; see {@link Checkpoint}),
   * atomically.
   */
  public void save(Path dir, int epoch) throws IOException {
    Checkpoint.save(dir, djl, epoch, optimizer);
  }

  /**
   * Restores a checkpoint folder after checking its manifest; {@code withOptimizer} false loads
   * the weights only (what evaluation and prediction need).
   */
  public void load(Path dir, boolean withOptimizer) throws IOException {
    Checkpoint.load(dir, djl, withOptimizer ? optimizer : null, manager);
    // A parameter store caches each parameter's array on first use; loading replaced (and freed)
    // those arrays, so the cache must go with them.
    ps = new ParameterStore(manager, false);
  }

  /** The trained model as a DJL {@link Model} (its block is the TSM2 being trained). */
  public Model djlModel() {
    return djl;
  }

  @Override
  public void close() {
    djl.close();
  }

  private static int[] shuffled(int n, Random rnd) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int tmp = order[i];
      order[i] = order[j];
      order[j] = tmp;
    }
    return order;
  }
}
