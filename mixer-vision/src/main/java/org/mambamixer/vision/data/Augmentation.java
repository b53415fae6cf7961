package org.mambamixer.vision.data;

/**
 * Training-time augmentation: a random crop of the image zero-padded by {@code pad} pixels on
 * every side (pixel value 0, before normalisation), then a horizontal flip with probability 1/2.
 *
 * @param pad padding of the random crop; 0 disables the crop
 * @param flip whether to flip horizontally at random
 */
public record Augmentation(int pad, boolean flip) {
  public static final Augmentation NONE = new Augmentation(0, false);

  public Augmentation {
    if (pad < 0) {
      throw new IllegalArgumentException("pad must be >= 0, got " + pad);
    }
  }

  public boolean isNone() {
    return pad == 0 && !flip;
  }
}
