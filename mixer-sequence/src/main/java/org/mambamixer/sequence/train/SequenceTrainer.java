package org.mambamixer.sequence.train;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.mambamixer.api.scan.Backprop;
import org.mambamixer.runtime.train.Accuracy;
import org.mambamixer.runtime.train.AdamW;
import org.mambamixer.runtime.train.Checkpoint;
import org.mambamixer.runtime.train.ClassifierConfig;
import org.mambamixer.runtime.train.Losses;
import org.mambamixer.runtime.train.LrSchedule;
import org.mambamixer.runtime.train.Stop;
import org.mambamixer.sequence.data.PixelSequences;
import org.mambamixer.sequence.model.SequenceClassifier;
import org.mambamixer.sequence.stream.RecurrentClassifier;

/**
 * Trains and evaluates a {@link SequenceClassifier}: smoothed cross-entropy, AdamW with warm-up
 * and cosine rate per epoch, a reshuffle per epoch drawn from (seed, epoch). Evaluation runs the
 * full forward, or the recurrent step token by token ({@link #evaluateStreamed}).
 */
public final class SequenceTrainer implements AutoCloseable {

  /** Called after each training batch. */
  @FunctionalInterface
  public interface BatchListener {
    void batch(int index, int batches, float loss);
  }

  private final SequenceClassifier model;
  private final NDManager manager;
  private final ClassifierConfig config;
  private final AdamW optimizer;
  private final Model djl;
  private ParameterStore ps;

  /** {@code model} must already be initialised on {@code manager}. */
  public SequenceTrainer(SequenceClassifier model, NDManager manager,
      ClassifierConfig config) {
    this.model = model;
    this.manager = manager;
    this.config = config;
    this.optimizer = new AdamW(model.getParameters(), config.weightDecay());
    this.djl = Model.newInstance("sequence-classifier");
    djl.setBlock(model);
    this.ps = new ParameterStore(manager, false);
  }

  public SequenceClassifier model() {
    return model;
  }

  /** Batches one epoch runs over {@code n} sequences (respecting the per-epoch cap). */
  public int batchesPerEpoch(int n) {
    int all = (n + config.batchSize() - 1) / config.batchSize();
    return config.maxBatchesPerEpoch() > 0 ? Math.min(all, config.maxBatchesPerEpoch()) : all;
  }

  /** One epoch over the seeded shuffle of {@code train}; returns the mean training loss. */
  public double trainEpoch(PixelSequences train, int epoch, BatchListener listener) {
    int[] order = shuffle(train.size(), config.seed() * 1_000_003L + epoch);
    int batches = batchesPerEpoch(train.size());
    LrSchedule schedule = config.schedule();
    double sum = 0;
    for (int b = 0; b < batches; b++) {
      Stop.check(epoch, b);
      int from = b * config.batchSize();
      int[] idx = java.util.Arrays.copyOfRange(order, from,
          Math.min(from + config.batchSize(), train.size()));
      float loss;
      try (NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        NDArray x = manager.create(train.batch(idx),
            model.inputShape(idx.length)); // (B, L, P)
        NDArray y = manager.create(labels(train, idx));
        try (GradientCollector gc = manager.getEngine().newGradientCollector()) {
          Backprop.discard();
          NDArray logits = model.forward(ps, new NDList(x), true).singletonOrThrow();
          NDArray l = Losses.smoothedCrossEntropy(logits, y, config.labelSmoothing());
          loss = l.getFloat();
          if (!Float.isFinite(loss)) {
            throw new IllegalStateException("training diverged: loss " + loss + " at epoch "
                + (epoch + 1) + ", batch " + (b + 1) + "; lower the learning rate");
          }
          Backprop.backward(l);
        }
        optimizer.step(schedule.at(epoch, b, batches));
      }
      sum += loss;
      listener.batch(b, batches, loss);
    }
    return sum / batches;
  }

  /** Top-1 / top-5 of the full forward over every sequence of {@code data}, in order. */
  public Accuracy evaluate(PixelSequences data) {
    Accuracy acc = new Accuracy(data.classes());
    for (int from = 0; from < data.size(); from += config.evalBatchSize()) {
      int[] idx = range(from, Math.min(from + config.evalBatchSize(), data.size()));
      acc.add(forwardLogits(data.batch(idx), idx.length), intLabels(data, idx));
    }
    return acc;
  }

  /** The same with every sequence consumed token by token through the recurrent step. */
  public Accuracy evaluateStreamed(PixelSequences data) {
    Accuracy acc = new Accuracy(data.classes());
    try (RecurrentClassifier stream = new RecurrentClassifier(model, manager)) {
      for (int from = 0; from < data.size(); from += config.evalBatchSize()) {
        int[] idx = range(from, Math.min(from + config.evalBatchSize(), data.size()));
        acc.add(streamedLogits(stream, data.batch(idx), idx.length), intLabels(data, idx));
      }
    }
    return acc;
  }

  /** Logits (n, K) of the full forward over {@code x (n, L, P)}. */
  public float[] forwardLogits(float[] x, int n) {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      return model.forward(ps, new NDList(manager.create(x, model.inputShape(n))), false)
          .singletonOrThrow().toFloatArray();
    }
  }

  /** Logits (n, K) of {@code x (n, L, P)} through {@code stream}, one token at a time. */
  public float[] streamedLogits(RecurrentClassifier stream, float[] x, int n) {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      return stream.classify(manager.create(x, model.inputShape(n)), manager).toFloatArray();
    }
  }

  /** Saves a checkpoint folder (weights, optimizer state, manifest), atomically. */
  public void save(Path dir, int epoch) throws IOException {
    Checkpoint.save(dir, djl, epoch, optimizer);
  }

  /** Restores the weights (and the optimizer state when asked) of a checkpoint folder. */
  public void load(Path dir, boolean withOptimizer) throws IOException {
    Checkpoint.load(dir, djl, withOptimizer ? optimizer : null, manager);
    // Loading replaced the parameters' arrays, which the store had cached.
    ps = new ParameterStore(manager, false);
  }

  @Override
  public void close() {
    djl.close();
  }

  private static float[] labels(PixelSequences data, int[] idx) {
    int[] y = intLabels(data, idx);
    float[] out = new float[y.length];
    for (int i = 0; i < y.length; i++) {
      out[i] = y[i];
    }
    return out;
  }

  private static int[] intLabels(PixelSequences data, int[] idx) {
    int[] y = new int[idx.length];
    for (int i = 0; i < idx.length; i++) {
      y[i] = data.label(idx[i]);
    }
    return y;
  }

  private static int[] range(int from, int to) {
    int[] out = new int[to - from];
    for (int i = 0; i < out.length; i++) {
      out[i] = from + i;
    }
    return out;
  }

  /** A Fisher-Yates shuffle of 0..n-1 drawn from {@code seed}. */
  static int[] shuffle(int n, long seed) {
    int[] order = range(0, n);
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }
}
