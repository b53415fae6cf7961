package org.mambamixer.sequence.data;

import java.util.SplittableRandom;

/**
 * The order in which an image's pixels are read: row-major (sequential), or one fixed permutation
 * drawn from a seed (permuted), the same for every image, epoch and run with that seed.
 */
public final class PixelOrder {
  private final int[] order;
  private final long seed;
  private final boolean permuted;

  private PixelOrder(int[] order, boolean permuted, long seed) {
    this.order = order;
    this.permuted = permuted;
    this.seed = seed;
  }

  /** Row-major: pixel j of the sequence is pixel j of the image. */
  public static PixelOrder sequential(int pixels) {
    int[] order = new int[pixels];
    for (int j = 0; j < pixels; j++) {
      order[j] = j;
    }
    return new PixelOrder(order, false, 0);
  }

  /** A Fisher-Yates permutation of the row-major order drawn from {@code seed}. */
  public static PixelOrder permuted(int pixels, long seed) {
    int[] order = sequential(pixels).order;
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = pixels - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return new PixelOrder(order, true, seed);
  }

  /** The row-major index of the j-th pixel of the sequence. */
  public int source(int j) {
    return order[j];
  }

  public int pixels() {
    return order.length;
  }

  public boolean isPermuted() {
    return permuted;
  }

  /** The seed of the permutation; 0 and meaningless for the sequential order. */
  public long seed() {
    return seed;
  }
}
