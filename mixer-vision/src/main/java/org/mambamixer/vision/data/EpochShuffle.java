package org.mambamixer.vision.data;

import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Sampler;
import java.util.Arrays;
import java.util.Iterator;
import java.util.SplittableRandom;

/**
 * A reshuffle per epoch that depends only on the seed and the epoch number (DJL's
 * {@code RandomSampler} draws from a process-wide generator). The epoch is set by its dataset
 * ({@link ImageDataset#setEpoch}), not counted, so a run resumed at epoch e draws epoch e's order.
 */
final class EpochShuffle implements Sampler.SubSampler {
  private final long seed;
  private volatile int epoch;

  EpochShuffle(long seed) {
    this.seed = seed;
  }

  void setEpoch(int e) {
    epoch = e;
  }

  @Override
  public Iterator<Long> sample(RandomAccessDataset dataset) {
    return Arrays.stream(permutation(seed, epoch, Math.toIntExact(dataset.size()))).boxed()
        .iterator();
  }

  /** A Fisher-Yates permutation of {@code 0..n-1} for {@code (seed, epoch)}. */
  static long[] permutation(long seed, int epoch, int n) {
    SplittableRandom random = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (epoch + 1)));
    long[] order = new long[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      long t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }
}
