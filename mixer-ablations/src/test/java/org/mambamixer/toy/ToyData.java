package org.mambamixer.toy;

import java.util.SplittableRandom;

/**
 * Seeded sequences of {@code length} values in [-1, 1]; the target of each is a weighted mean
 * that favours its later half (x_t weighted 1 before L/2, 3 after): a model must tell the
 * positions apart, which a plain mean of its tokens cannot.
 */
public record ToyData(float[] x, float[] y, int size, int length) {

  public static ToyData of(int size, int length, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] x = new float[size * length];
    float[] y = new float[size];
    for (int i = 0; i < size; i++) {
      double sum = 0;
      double weights = 0;
      for (int t = 0; t < length; t++) {
        float v = (float) (random.nextDouble() * 2 - 1);
        x[i * length + t] = v;
        double w = t < length / 2 ? 1 : 3;
        sum += w * v;
        weights += w;
      }
      y[i] = (float) (sum / weights * 4);
    }
    return new ToyData(x, y, size, length);
  }

  /** Inputs (n, L, 1) and targets (n, 1) of the examples {@code idx}, flat. */
  float[][] rows(int[] idx) {
    float[] xs = new float[idx.length * length];
    float[] ys = new float[idx.length];
    for (int i = 0; i < idx.length; i++) {
      System.arraycopy(x, idx[i] * length, xs, i * length, length);
      ys[i] = y[idx[i]];
    }
    return new float[][] {xs, ys};
  }
}
