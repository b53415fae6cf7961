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
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.mambamixer.runtime.report.Charts;
import org.mambamixer.runtime.train.ClassifierConfig;
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
    int[] order = IntStream.range(0, train.size()).toArray();
    SplittableRandom random = new SplittableRandom(config.seed() * 1_000_003L + epoch);
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return new Iterator<>() {
      int b = from;

      @Override
      public boolean hasNext() {
        return b * config.batchSize() < train.size();
      }

      @Override
      public Batch next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        int first = b++ * config.batchSize();
        int n = Math.min(config.batchSize(), train.size() - first);
        float[][] rows = train.rows(java.util.Arrays.copyOfRange(order, first, first + n));
        NDManager m = manager.newSubManager();
        return new Batch(m, new NDList(m.create(rows[0], model.inputShape(n))),
            new NDList(m.create(rows[1], new Shape(n, 1))), n, null, null, b, 0);
      }
    };
  }

  @Override
  public NDArray loss(NDList outputs, NDList labels) {
    return outputs.singletonOrThrow().sub(labels.singletonOrThrow()).square().mean();
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
      double mse = inference.forward(new NDList(x)).singletonOrThrow().sub(y).square().mean()
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
