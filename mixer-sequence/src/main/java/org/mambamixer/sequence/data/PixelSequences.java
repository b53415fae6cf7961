package org.mambamixer.sequence.data;

import org.mambamixer.runtime.data.ImageSet;
import org.mambamixer.runtime.data.Normalization;

/**
 * Single-channel images as token sequences: the H x W pixels, normalised and read in a {@link
 * PixelOrder}, are cut into {@code length} tokens of {@code H * W / length} consecutive pixels.
 * At L = H * W a token is one pixel (the classic sequential task); at L = 392 or 196 a token is
 * 2 or 4 consecutive pixels of the same order, so a shorter sequence still sees every pixel.
 */
public final class PixelSequences {
  private final ImageSet images;
  private final PixelOrder order;
  private final Normalization norm;
  private final int length;
  private final int perToken;

  public PixelSequences(ImageSet images, PixelOrder order, Normalization norm, int length) {
    if (images.channels() != 1 || norm.channels() != 1) {
      throw new IllegalArgumentException(images.source() + ": pixel sequences need one channel, got "
          + images.channels());
    }
    int pixels = images.height() * images.width();
    if (order.pixels() != pixels) {
      throw new IllegalArgumentException("the pixel order covers " + order.pixels()
          + " pixels but the images hold " + pixels);
    }
    if (length <= 0 || pixels % length != 0) {
      throw new IllegalArgumentException("length must divide the " + pixels + " pixels of an image,"
          + " got " + length);
    }
    this.images = images;
    this.order = order;
    this.norm = norm;
    this.length = length;
    this.perToken = pixels / length;
  }

  public int size() {
    return images.size();
  }

  public int length() {
    return length;
  }

  /** Pixels per token, P. */
  public int perToken() {
    return perToken;
  }

  public int classes() {
    return images.classes().size();
  }

  public int label(int i) {
    return images.labels()[i];
  }

  /** Writes image i as (L, P) floats into {@code dst} from {@code offset}. */
  public void fill(int i, float[] dst, int offset) {
    int w = images.width();
    float mean = norm.mean()[0];
    float std = norm.std()[0];
    int pixels = length * perToken;
    for (int j = 0; j < pixels; j++) {
      int s = order.source(j);
      dst[offset + j] = (images.pixel(i, s / w, s % w, 0) / 255f - mean) / std;
    }
  }

  /** Images {@code indices} as one (n, L, P) row-major array. */
  public float[] batch(int[] indices) {
    int size = length * perToken;
    float[] out = new float[indices.length * size];
    for (int k = 0; k < indices.length; k++) {
      fill(indices[k], out, k * size);
    }
    return out;
  }
}
