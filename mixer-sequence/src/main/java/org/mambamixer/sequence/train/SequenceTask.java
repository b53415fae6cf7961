package org.mambamixer.sequence.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.dataset.Batch;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import org.mambamixer.runtime.report.Charts;
import org.mambamixer.runtime.train.Accuracy;
import org.mambamixer.runtime.train.Batches;
import org.mambamixer.runtime.train.ClassifierConfig;
import org.mambamixer.runtime.train.Losses;
import org.mambamixer.runtime.train.TrainingTask;
import org.mambamixer.sequence.data.PixelSequences;
import org.mambamixer.sequence.model.SequenceClassifier;
import org.mambamixer.sequence.stream.RecurrentClassifier;

/**
 * Sequence classification as a {@link TrainingTask}: smoothed cross-entropy, a reshuffle per
 * epoch drawn from (seed, epoch). The modality has no validation split: the last epoch's weights
 * are the ones tested, once, by the full forward ({@link #evaluate}) or token by token through
 * the recurrent step ({@link #evaluateStreamed}).
 */
public final class SequenceTask implements TrainingTask {
  private final SequenceClassifier model;
  private final ClassifierConfig config;
  private final PixelSequences train;

  /** {@code model} must already be initialised. */
  public SequenceTask(SequenceClassifier model, ClassifierConfig config, PixelSequences train) {
    this.model = model;
    this.config = config;
    this.train = train;
  }

  @Override
  public Block model() {
    return model;
  }

  @Override
  public String name() {
    return "sequence-classifier";
  }

  @Override
  public int trainSize() {
    return train.size();
  }

  @Override
  public Iterator<Batch> batches(NDManager manager, int epoch, int from) {
    int[] order = Batches.shuffled(train.size(),
        new SplittableRandom(config.seed() * 1_000_003L + epoch));
    return Batches.of(manager, order, config.batchSize(), from, (batch, idx) ->
        new Batches.Examples(new NDList(batch.create(train.batch(idx),
            model.inputShape(idx.length))), // (B, L, P)
            new NDList(batch.create(labels(train, idx))))); // (B)
  }

  @Override
  public NDArray loss(NDList outputs, NDList labels) {
    return Losses.smoothedCrossEntropy(outputs.singletonOrThrow(), labels.head(),
        config.labelSmoothing());
  }

  @Override
  public String lossColumn() {
    return "train_loss";
  }

  @Override
  public List<String> validationColumns() {
    return List.of();
  }

  @Override
  public Scores validate(Inference inference) {
    return null;
  }

  @Override
  public boolean improves(double score, double best) {
    return true;
  }

  @Override
  public List<Charts.Curve> curves() {
    return List.of(new Charts.Curve("train", "train_loss", "cross-entropy (label-smoothed)"));
  }

  /** Top-1 / top-5 of the full forward over every sequence of {@code data}, in order. */
  public static Accuracy evaluate(Inference model, PixelSequences data, int batchSize) {
    Accuracy acc = new Accuracy(data.classes());
    for (int from = 0; from < data.size(); from += batchSize) {
      int[] idx = range(from, Math.min(from + batchSize, data.size()));
      acc.add(forwardLogits(model, data, idx), intLabels(data, idx));
    }
    return acc;
  }

  /** The same with every sequence consumed token by token through the recurrent step. */
  public static Accuracy evaluateStreamed(RecurrentClassifier stream, NDManager manager,
      PixelSequences data, int batchSize) {
    Accuracy acc = new Accuracy(data.classes());
    for (int from = 0; from < data.size(); from += batchSize) {
      int[] idx = range(from, Math.min(from + batchSize, data.size()));
      acc.add(streamedLogits(stream, manager, data, idx), intLabels(data, idx));
    }
    return acc;
  }

  /** Logits (n, K) of the full forward over sequences {@code idx} of {@code data}. */
  public static float[] forwardLogits(Inference model, PixelSequences data, int[] idx) {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray x = model.manager().create(data.batch(idx),
          new Shape(idx.length, data.length(), data.perToken()));
      return model.forward(new NDList(x)).singletonOrThrow().toFloatArray();
    }
  }

  /** Logits (n, K) of sequences {@code idx} through {@code stream}, one token at a time. */
  public static float[] streamedLogits(RecurrentClassifier stream, NDManager manager,
      PixelSequences data, int[] idx) {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray x = manager.create(data.batch(idx),
          new Shape(idx.length, data.length(), data.perToken()));
      return stream.classify(x, manager).toFloatArray();
    }
  }

  /** The indices {@code from, ..., to - 1}. */
  public static int[] range(int from, int to) {
    int[] out = new int[to - from];
    for (int i = 0; i < out.length; i++) {
      out[i] = from + i;
    }
    return out;
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
}
