package org.mambamixer.vision.train;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.dataset.Batch;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.mambamixer.api.scan.Backprop;
import org.mambamixer.api.scan.Recompute;
import org.mambamixer.runtime.train.Accuracy;
import org.mambamixer.runtime.train.AdamW;
import org.mambamixer.runtime.train.Checkpoint;
import org.mambamixer.runtime.train.ClassifierConfig;
import org.mambamixer.runtime.train.Losses;
import org.mambamixer.runtime.train.LrSchedule;
import org.mambamixer.runtime.train.Stop;
import org.mambamixer.vision.data.ImageDataset;
import org.mambamixer.vision.model.Vim2;

/**
 * Trains and evaluates a ViM2 classifier: cross-entropy with label smoothing, AdamW, warm-up and
 * cosine learning rate per epoch, top-1 / top-5 evaluation. Seeded: initialisation (by the caller
 * seeding the engine), shuffling and augmentation (by the datasets' seeds) repeat exactly.
 */
public final class Classifier implements AutoCloseable {
  private final Vim2 model;
  private final NDManager manager;
  private final ClassifierConfig config;
  private final AdamW optimizer;
  private final Model djl;
  private ParameterStore ps;

  /** Called after each training batch, e.g. for a progress line. */
  @FunctionalInterface
  public interface BatchListener {
    void batch(int index, int batches, float loss);
  }

  /** {@code model} must already be initialised on {@code manager}. */
  public Classifier(Vim2 model, NDManager manager, ClassifierConfig config) {
    this.model = model;
    this.manager = manager;
    this.config = config;
    this.optimizer = new AdamW(model.getParameters(), config.weightDecay());
    this.djl = Model.newInstance("vim2");
    djl.setBlock(model);
    this.ps = new ParameterStore(manager, false);
  }

  /** Training batches one epoch runs over {@code images} (respecting the per-epoch cap). */
  public int batchesPerEpoch(long images) {
    int all = Math.toIntExact((images + config.batchSize() - 1) / config.batchSize());
    return config.maxBatchesPerEpoch() > 0 ? Math.min(all, config.maxBatchesPerEpoch()) : all;
  }

  /** Per-epoch outcome of {@link #fit}; {@code lr} is the rate of the epoch's first batch. */
  public record Epoch(int epoch, float lr, double trainLoss, double top1, double top5,
      double seconds) {}

  /**
   * One evaluation pass, scored twice when {@code flip}: on the images as given, and with each
   * image's class probabilities averaged with those of its mirror image (flip test-time
   * augmentation, sound for a model that trained on horizontal flips).
   *
   * @param single top-1 / top-5 of the images as given
   * @param flipAveraged of the two views averaged; null without {@code flip}
   */
  public record Views(Accuracy single, Accuracy flipAveraged) {}

  /** One epoch over {@code train} (its own seeded shuffle); returns the mean training loss. */
  public double trainEpoch(ImageDataset train, int epoch) throws IOException, TranslateException {
    return trainEpoch(train, epoch, (b, n, loss) -> { });
  }

  /** {@link #trainEpoch(ImageDataset, int)} telling {@code listener} after each batch. */
  public double trainEpoch(ImageDataset train, int epoch, BatchListener listener)
      throws IOException, TranslateException {
    int total = batchesPerEpoch(train.size());
    return trainBatches(train, epoch, 0, total, listener) / Math.max(1, total);
  }

  /**
   * Batches {@code [from, to)} of epoch {@code epoch}'s seeded shuffle: consecutive calls that
   * cover an epoch train exactly as one {@link #trainEpoch}: the augmentation of an image depends
   * on the seed, the epoch and the image alone, and the engine's random stream (dropout, should a
   * variant use it) is seeded per batch.
   *
   * @return the sum of the batches' training losses
   */
  public double trainBatches(ImageDataset train, int epoch, int from, int to,
      BatchListener listener) throws IOException, TranslateException {
    int total = batchesPerEpoch(train.size());
    if (from < 0 || from > to || to > total) {
      throw new IllegalArgumentException("need 0 <= from <= to <= " + total + ", got from "
          + from + ", to " + to);
    }
    train.setEpoch(epoch);
    LrSchedule schedule = config.schedule();
    double sum = 0;
    int b = 0;
    for (Batch batch : train.getData(manager)) {
      try (batch; NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning(); // frees the optimizer's temporaries each step
        if (b >= to) {
          break; // the shuffle of this epoch was drawn when the iteration began
        }
        if (b++ < from) {
          continue; // trained before the run was resumed: only its images were read
        }
        Stop.check(epoch, b - 1);
        long epochSeed = config.seed() * 1_000_003L + epoch;
        manager.getEngine().setRandomSeed((int) (epochSeed * 65_537L + b));
        float loss;
        try (Recompute.Mode r = Recompute.enable(config.recompute());
            GradientCollector gc = manager.getEngine().newGradientCollector()) {
          Backprop.discard();
          NDArray logits = model.forward(ps, batch.getData(), true).singletonOrThrow();
          NDArray l = Losses.smoothedCrossEntropy(logits, batch.getLabels().head(),
              config.labelSmoothing());
          loss = l.getFloat();
          if (!Float.isFinite(loss)) {
            throw new IllegalStateException("training diverged: loss " + loss + " at epoch "
                + (epoch + 1) + ", batch " + b + "; lower the learning rate");
          }
          Backprop.backward(l);
        }
        optimizer.step(schedule.at(epoch, b - 1, total));
        sum += loss;
        listener.batch(b - 1, total, loss);
      }
    }
    return sum;
  }

  /** Top-1 / top-5 and the confusion matrix over every image of {@code data}, in order. */
  public Accuracy evaluate(ImageDataset data) throws IOException, TranslateException {
    return evaluate(data, false).single();
  }

  /** {@link #evaluate(ImageDataset)}, and with {@code flip} also the flip-averaged scores. */
  public Views evaluate(ImageDataset data, boolean flip) throws IOException, TranslateException {
    Accuracy single = new Accuracy(model.config().classes());
    Accuracy averaged = flip ? new Accuracy(model.config().classes()) : null;
    for (Batch batch : data.getData(manager)) {
      try (batch; NDScope scope = new NDScope()) {
        // Without the scope every activation of the forward pass stays attached to the run's
        // manager until the end: 10,000 test images grew the process to 12 GB.
        scope.suppressNotUsedWarning();
        NDArray x = batch.getData().head(); // (N, C, H, W)
        NDArray logits = model.forward(ps, new NDList(x), false).singletonOrThrow();
        float[] labels = batch.getLabels().head().toFloatArray();
        int[] y = new int[labels.length];
        for (int i = 0; i < y.length; i++) {
          y[i] = Math.round(labels[i]);
        }
        single.add(logits.toFloatArray(), y);
        if (flip) {
          NDArray mirrored = model.forward(ps, new NDList(x.flip(3)), false).singletonOrThrow();
          averaged.add(logits.softmax(-1).add(mirrored.softmax(-1)).toFloatArray(), y);
        }
      }
    }
    return new Views(single, averaged);
  }

  /** Trains for the configured epochs, evaluating on {@code test} after each. */
  public List<Epoch> fit(ImageDataset train, ImageDataset test)
      throws IOException, TranslateException {
    List<Epoch> out = new ArrayList<>();
    for (int e = 0; e < config.epochs(); e++) {
      long start = System.nanoTime();
      double loss = trainEpoch(train, e);
      Accuracy acc = evaluate(test);
      out.add(new Epoch(e, config.schedule().at(e, 0, batchesPerEpoch(train.size())), loss,
          acc.top1(), acc.top5(),
          (System.nanoTime() - start) / 1e9));
    }
    return out;
  }

  public Vim2 model() {
    return model;
  }

  /** Saves a checkpoint folder (DJL weights, optimizer state, manifest), atomically. */
  public void save(Path dir, int epoch) throws IOException {
    Checkpoint.save(dir, djl, epoch, optimizer);
  }

  /**
   * Restores a checkpoint folder after checking its manifest; {@code withOptimizer} false loads
   * the weights only (what evaluation needs).
   */
  public void load(Path dir, boolean withOptimizer) throws IOException {
    Checkpoint.load(dir, djl, withOptimizer ? optimizer : null, manager);
    // A parameter store caches each parameter's array on first use; loading replaced (and freed)
    // those arrays, so the cache must go with them.
    ps = new ParameterStore(manager, false);
  }

  /** Loads the mean of the weights of several checkpoint folders ({@link Checkpoint#loadAverage}). */
  public void loadAverage(List<Path> dirs) throws IOException {
    Checkpoint.loadAverage(dirs, djl, manager);
    ps = new ParameterStore(manager, false);
  }

  /** Saves the weights alone, for a model no optimizer state belongs to (an average). */
  public void saveWeights(Path dir) throws IOException {
    Checkpoint.save(dir, djl, 0, null);
  }

  @Override
  public void close() {
    djl.close();
  }
}
