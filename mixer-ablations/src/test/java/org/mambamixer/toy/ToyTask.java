package org.mambamixer.toy;

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
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.mambamixer.runtime.report.Charts;
import org.mambamixer.runtime.train.Batches;
import org.mambamixer.runtime.train.ClassifierConfig;
import org.mambamixer.runtime.train.Losses;
import org.mambamixer.runtime.train.TrainingTask;

/** The toy regression as a {@link TrainingTask}: MSE, a shuffle per epoch, validation MSE. */
public final class ToyTask implements TrainingTask {
  private final ToyModel model;
  private final ClassifierConfig config;
  private final ToyData train;
  private final ToyData val;

  public ToyTask(ToyModel model, ClassifierConfig config, ToyData train, ToyData val) {
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
    return "toy";
  }

  @Override
  public int trainSize() {
    return train.size();
  }

  @Override
  public Iterator<Batch> batches(NDManager manager, int epoch, int from) {
    int[] order = Batches.shuffled(train.size(),
        new SplittableRandom(config.seed() * 1_000_003L + epoch));
    return Batches.of(manager, order, config.batchSize(), from, (batch, idx) -> {
      float[][] rows = train.rows(idx);
      return new Batches.Examples(new NDList(batch.create(rows[0], model.inputShape(idx.length))),
          new NDList(batch.create(rows[1], new Shape(idx.length, 1))));
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
  public List<String> validationColumns() {
    return List.of("val_mse");
  }

  @Override
  public Scores validate(Inference inference) {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      float[][] rows = val.rows(IntStream.range(0, val.size()).toArray());
      NDArray x = inference.manager().create(rows[0], model.inputShape(val.size()));
      NDArray y = inference.manager().create(rows[1], new Shape(val.size(), 1));
      double mse = Losses.mse(inference.forward(new NDList(x)).singletonOrThrow(), y)
          .getFloat();
      return new Scores(mse, List.of(mse), String.format(Locale.ROOT, "val MSE %.4f", mse));
    }
  }

  @Override
  public boolean improves(double score, double best) {
    return score < best;
  }

  @Override
  public List<Charts.Curve> curves() {
    return List.of(new Charts.Curve("train", "train_mse", "MSE"),
        new Charts.Curve("validation", "val_mse", "MSE"));
  }
}
