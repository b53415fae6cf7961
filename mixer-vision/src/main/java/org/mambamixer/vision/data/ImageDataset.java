package org.mambamixer.vision.data;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.BatchSampler;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.training.dataset.SequenceSampler;
import ai.djl.util.Progress;
import java.util.SplittableRandom;
import org.mambamixer.runtime.data.ImageSet;
import org.mambamixer.runtime.data.Normalization;

/**
 * An {@link ImageSet} as a DJL dataset: record i has data (C, H, W) float32, normalised and (for
 * training) augmented, and a scalar float32 label. Batches are (B, C, H, W) and (B).
 *
 * <p>Augmentation is seeded per sample: the crop offset and flip of sample i in epoch e depend only
 * on (seed, e, i), so a run repeats exactly whatever the batch order or thread. The training
 * factory also reshuffles each epoch from the seed ({@link EpochShuffle}).
 */
public final class ImageDataset extends RandomAccessDataset {
  private final ImageSet images;
  private final Normalization norm;
  private final Augmentation augment;
  private final long seed;
  private final EpochShuffle shuffle; // null for evaluation
  private volatile int epoch;

  private ImageDataset(Builder b) {
    super(b);
    this.images = b.images;
    this.norm = b.norm;
    this.augment = b.augment;
    this.seed = b.seed;
    this.shuffle = b.shuffle;
    if (norm.channels() != images.channels()) {
      throw new IllegalArgumentException(images.source() + " has " + images.channels()
          + " channels but the normalisation " + norm.channels());
    }
  }

  /** Shuffled each epoch, augmented, in batches of {@code batchSize} (the last one partial). */
  public static ImageDataset training(ImageSet images, Normalization norm, Augmentation augment,
      int batchSize, long seed) {
    Builder b = new Builder(images, norm, augment, seed);
    b.shuffle = new EpochShuffle(seed);
    b.setSampling(new BatchSampler(b.shuffle, batchSize, false));
    return new ImageDataset(b);
  }

  /** Every image in order, no augmentation, in batches of {@code batchSize} (the last partial). */
  public static ImageDataset evaluation(ImageSet images, Normalization norm, int batchSize) {
    Builder b = new Builder(images, norm, Augmentation.NONE, 0);
    b.setSampling(new BatchSampler(new SequenceSampler(), batchSize, false));
    return new ImageDataset(b);
  }

  public ImageSet images() {
    return images;
  }

  /** Sets the epoch whose order (training) and augmentation draws the next iteration uses. */
  public void setEpoch(int e) {
    epoch = e;
    if (shuffle != null) {
      shuffle.setEpoch(e);
    }
  }

  @Override
  public Record get(NDManager manager, long index) {
    int i = Math.toIntExact(index);
    return new Record(new NDList(manager.create(pixels(i, epoch),
        new Shape(images.channels(), images.height(), images.width()))),
        new NDList(manager.create((float) images.labels()[i])));
  }

  /** Image i as normalised (C, H, W) floats with epoch e's augmentation. */
  float[] pixels(int i, int e) {
    int h = images.height();
    int w = images.width();
    int c = images.channels();
    int dy = 0;
    int dx = 0;
    boolean flip = false;
    if (!augment.isNone()) {
      SplittableRandom r = new SplittableRandom(mix(seed, e, i));
      int pad = augment.pad();
      dy = r.nextInt(2 * pad + 1) - pad;
      dx = r.nextInt(2 * pad + 1) - pad;
      flip = augment.flip() && r.nextBoolean();
    }
    float[] out = new float[c * h * w];
    float[] mean = norm.mean();
    float[] std = norm.std();
    for (int k = 0; k < c; k++) {
      float zero = -mean[k] / std[k]; // a padded pixel: value 0 before normalisation
      for (int y = 0; y < h; y++) {
        int sy = y + dy;
        for (int x = 0; x < w; x++) {
          int sx = (flip ? w - 1 - x : x) + dx;
          float v = zero;
          if (sy >= 0 && sy < h && sx >= 0 && sx < w) {
            v = (images.pixel(i, sy, sx, k) / 255f - mean[k]) / std[k];
          }
          out[(k * h + y) * w + x] = v;
        }
      }
    }
    return out;
  }

  private static long mix(long seed, int epoch, int index) {
    long z = seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + index;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  @Override
  protected long availableSize() {
    return images.size();
  }

  @Override
  public void prepare(Progress progress) {
    // Images are decoded when the ImageSet is read.
  }

  private static final class Builder extends RandomAccessDataset.BaseBuilder<Builder> {
    private final ImageSet images;
    private final Normalization norm;
    private final Augmentation augment;
    private final long seed;
    private EpochShuffle shuffle;

    Builder(ImageSet images, Normalization norm, Augmentation augment, long seed) {
      this.images = images;
      this.norm = norm;
      this.augment = augment;
      this.seed = seed;
    }

    @Override
    protected Builder self() {
      return this;
    }
  }
}
