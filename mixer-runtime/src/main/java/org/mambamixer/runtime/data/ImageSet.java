package org.mambamixer.runtime.data;

import java.util.List;

/**
 * Decoded images held in memory as bytes: {@code pixels} is (N, H, W, C) row-major, channels
 * last, values 0..255 as unsigned bytes.
 *
 * @param source the file or folder read, for messages
 * @param labels class index of each image, 0 <= label < classes.size()
 * @param classes class names in index order
 * @param skipped entries of the source that were not images and were left out (logged)
 */
public record ImageSet(String source, byte[] pixels, int[] labels, int height, int width,
    int channels, List<String> classes, int skipped) {

  public ImageSet {
    classes = List.copyOf(classes);
    if (height <= 0 || width <= 0 || (channels != 1 && channels != 3)) {
      throw new IllegalArgumentException(source + ": images must be H x W x (1 or 3), got "
          + height + " x " + width + " x " + channels);
    }
    if ((long) labels.length * height * width * channels != pixels.length) {
      throw new IllegalArgumentException(source + ": " + pixels.length + " pixel bytes do not hold "
          + labels.length + " images of " + height + " x " + width + " x " + channels);
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= classes.size()) {
        throw new IllegalArgumentException(source + ": label " + labels[i] + " of image " + i
            + " is outside 0.." + (classes.size() - 1));
      }
    }
  }

  public int size() {
    return labels.length;
  }

  public int imageBytes() {
    return height * width * channels;
  }

  /** Pixel (y, x, c) of image i, 0..255. */
  public int pixel(int i, int y, int x, int c) {
    return pixels[((i * height + y) * width + x) * channels + c] & 0xff;
  }

  /** The images at {@code indices}, in that order, as a set named {@code name}. */
  public ImageSet select(int[] indices, String name) {
    int bytes = imageBytes();
    byte[] p = new byte[indices.length * bytes];
    int[] y = new int[indices.length];
    for (int k = 0; k < indices.length; k++) {
      System.arraycopy(pixels, indices[k] * bytes, p, k * bytes, bytes);
      y[k] = labels[indices[k]];
    }
    return new ImageSet(name, p, y, height, width, channels, classes, 0);
  }

  /** Images per class, in class order. */
  public int[] classCounts() {
    int[] counts = new int[classes.size()];
    for (int label : labels) {
      counts[label]++;
    }
    return counts;
  }
}
