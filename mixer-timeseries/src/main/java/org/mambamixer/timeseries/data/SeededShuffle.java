package org.mambamixer.timeseries.data;

import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Sampler;
import java.util.Arrays;
import java.util.Iterator;
import java.util.SplittableRandom;

/**
 * A reshuffle per epoch that depends only on the seed and the epoch number, unlike DJL's
 * {@code RandomSampler}, which draws from a process-wide generator.
 *
 * <p>The k-th call of {@link #sample} (epoch k) returns the same permutation for the same seed,
 * and different epochs return different permutations.
 */
final class SeededShuffle implements Sampler.SubSampler {
  private final long seed;
  private int epoch;

  SeededShuffle(long seed) {
    this.seed = seed;
  }

  @Override
  public synchronized Iterator<Long> sample(RandomAccessDataset dataset) {
    long[] order = permutation(seed, epoch++, Math.toIntExact(dataset.size()));
    return Arrays.stream(order).boxed().iterator();
  }

  /** A Fisher-Yates permutation of {@code 0..n-1} for {@code (seed, epoch)}. */
  static long[] permutation(long seed, int epoch, int n) {
    SplittableRandom random = new SplittableRandom(seed).split();
    for (int e = 0; e < epoch; e++) {
      random = random.split();
    }
    long[] order = new long[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      long tmp = order[i];
      order[i] = order[j];
      order[j] = tmp;
    }
    return order;
  }
}
