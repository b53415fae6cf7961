package org.mambamixer.runtime.data;

/**
 * Per-channel normalisation of pixels scaled to [0, 1]: (v / 255 - mean[c]) / std[c].
 *
 * @param mean per channel
 * @param std per channel, positive
 */
public record Normalization(float[] mean, float[] std) {

  /** The usual Fashion-MNIST train statistics. */
  public static final Normalization FASHION_MNIST =
      new Normalization(new float[] {0.2860f}, new float[] {0.3530f});

  /** The usual MNIST train statistics. */
  public static final Normalization MNIST =
      new Normalization(new float[] {0.1307f}, new float[] {0.3081f});

  /** The usual CIFAR-10 train statistics. */
  public static final Normalization CIFAR10 = new Normalization(
      new float[] {0.4914f, 0.4822f, 0.4465f}, new float[] {0.2470f, 0.2435f, 0.2616f});

  public Normalization {
    mean = mean.clone();
    std = std.clone();
    if (mean.length == 0 || mean.length != std.length) {
      throw new IllegalArgumentException("mean and std need one value per channel, got "
          + mean.length + " and " + std.length);
    }
    for (float s : std) {
      if (!(s > 0)) {
        throw new IllegalArgumentException("std must be positive, got " + s);
      }
    }
  }

  public int channels() {
    return mean.length;
  }

  /** Mean and standard deviation of each channel over every pixel of {@code set}. */
  public static Normalization fit(ImageSet set) {
    int c = set.channels();
    double[] sum = new double[c];
    double[] sq = new double[c];
    byte[] p = set.pixels();
    for (int i = 0; i < p.length; i++) {
      double v = (p[i] & 0xff) / 255.0;
      sum[i % c] += v;
      sq[i % c] += v * v;
    }
    long n = p.length / c;
    float[] mean = new float[c];
    float[] std = new float[c];
    for (int k = 0; k < c; k++) {
      double m = sum[k] / n;
      mean[k] = (float) m;
      std[k] = (float) Math.sqrt(Math.max(sq[k] / n - m * m, 1e-12));
    }
    return new Normalization(mean, std);
  }
}
