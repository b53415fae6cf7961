package org.mambamixer.vision.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Block;
import ai.djl.training.dataset.Batch;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.mambamixer.runtime.report.Charts;
import org.mambamixer.runtime.train.Accuracy;
import org.mambamixer.runtime.train.ClassifierConfig;
import org.mambamixer.runtime.train.Losses;
import org.mambamixer.runtime.train.TrainingTask;
import org.mambamixer.vision.data.ImageDataset;
import org.mambamixer.vision.model.Vim2;

/**
 * Image classification as a {@link TrainingTask}: cross-entropy with label smoothing, the
 * dataset's own shuffle and augmentation seeded per epoch, validation by top-1 and top-5.
 */
public final class Classifier implements TrainingTask {
  private final Vim2 model;
  private final ClassifierConfig config;
  private final ImageDataset train;
  private final ImageDataset val;

  /**
   * One evaluation pass, scored twice when {@code flip}: on the images as given, and with each
   * image's class probabilities averaged with those of its mirror image (flip test-time
   * augmentation, sound for a model that trained on horizontal flips).
   *
   * @param single top-1 / top-5 of the images as given
   * @param flipAveraged of the two views averaged; null without {@code flip}
   */
  public record Views(Accuracy single, Accuracy flipAveraged) {}

  /** {@code model} must already be initialised; {@code val} may be null (no validation). */
  public Classifier(Vim2 model, ClassifierConfig config, ImageDataset train, ImageDataset val) {
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
    return "vim2";
  }

  @Override
  public int trainSize() {
    return Math.toIntExact(train.size());
  }

  @Override
  public Iterator<Batch> batches(NDManager manager, int epoch, int from) throws IOException {
    train.setEpoch(epoch);
    Iterator<Batch> it;
    try {
      it = train.getData(manager).iterator(); // the epoch's shuffle is drawn here
    } catch (TranslateException e) {
      throw new IOException(e);
    }
    for (int b = 0; b < from && it.hasNext(); b++) {
      it.next().close(); // trained before the run was resumed: only its images are read
    }
    return it;
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
    return List.of("val_top1", "val_top5");
  }

  @Override
  public Scores validate(Inference inference) throws IOException {
    if (val == null) {
      return null;
    }
    Accuracy v = evaluate(inference, val, model.config().classes());
    return new Scores(v.top1(), List.of(v.top1(), v.top5()),
        String.format(Locale.ROOT, "val top-1 %.4f  top-5 %.4f", v.top1(), v.top5()));
  }

  @Override
  public boolean improves(double score, double best) {
    return score > best;
  }

  @Override
  public List<Charts.Curve> curves() {
    return List.of(new Charts.Curve("train", "train_loss", "cross-entropy (label-smoothed)"),
        new Charts.Curve("validation top-1", "val_top1", "top-1"));
  }

  /**
   * Top-1 / top-5 and the confusion matrix of a model of {@code classes} classes over every image
   * of {@code data}, in order.
   */
  public static Accuracy evaluate(Inference model, ImageDataset data, int classes)
      throws IOException {
    return evaluate(model, data, classes, false).single();
  }

  /** {@link #evaluate(Inference, ImageDataset, int)}, and with {@code flip} also flip-averaged. */
  public static Views evaluate(Inference model, ImageDataset data, int classes, boolean flip)
      throws IOException {
    Accuracy single = new Accuracy(classes);
    Accuracy averaged = flip ? new Accuracy(classes) : null;
    Iterable<Batch> batches;
    try {
      batches = data.getData(model.manager());
    } catch (TranslateException e) {
      throw new IOException(e);
    }
    for (Batch batch : batches) {
      try (batch; NDScope scope = new NDScope()) {
        // Without the scope every activation of the forward pass stays attached to the run's
        // manager until the end: 10,000 test images grew the process to 12 GB.
        scope.suppressNotUsedWarning();
        NDArray x = batch.getData().head(); // (N, C, H, W)
        NDArray logits = model.forward(new NDList(x)).singletonOrThrow(); // (N, K)
        float[] labels = batch.getLabels().head().toFloatArray();
        int[] y = new int[labels.length];
        for (int i = 0; i < y.length; i++) {
          y[i] = Math.round(labels[i]);
        }
        single.add(logits.toFloatArray(), y);
        if (flip) {
          NDArray mirrored = model.forward(new NDList(x.flip(3))).singletonOrThrow();
          averaged.add(logits.softmax(-1).add(mirrored.softmax(-1)).toFloatArray(), y);
        }
      }
    }
    return new Views(single, averaged);
  }
}
