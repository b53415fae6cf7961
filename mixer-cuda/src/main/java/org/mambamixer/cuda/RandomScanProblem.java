package org.mambamixer.cuda;

import java.util.Random;

/** Seeded random scan problems in the value ranges of a trained Mamba layer, for tests and benchmarks. */
public final class RandomScanProblem {
  private RandomScanProblem() {}

  /**
   * u, z, B, C and D standard-normal-ish; A uniform in [-1.5, -0.2]; delta before softplus centred
   * at -1 (softplus about 0.3), or uniform in [0.05, 0.6] without softplus, where delta + bias must
   * stay positive or the state grows without bound.
   */
  public static ScanProblem of(int b, int d, int l, int n, boolean z, boolean skip, boolean bias,
      boolean softplus, boolean reverse, boolean h0, long seed) {
    Random r = new Random(seed);
    float[] delta = softplus ? gauss(r, b * d * l, 1f, -1f) : uniform(r, b * d * l, 0.05f, 0.6f);
    return new ScanProblem(b, d, l, n, gauss(r, b * d * l, 1f, 0f), delta,
        uniform(r, d * n, -1.5f, -0.2f), gauss(r, b * n * l, 0.5f, 0f), gauss(r, b * n * l, 0.5f, 0f),
        skip ? gauss(r, d, 1f, 0f) : null, z ? gauss(r, b * d * l, 1f, 0f) : null,
        bias ? uniform(r, d, softplus ? -1f : 0f, 0.5f) : null, softplus,
        h0 ? gauss(r, b * d * n, 1f, 0f) : null, reverse);
  }

  /** Normal(mean, std^2) floats. */
  public static float[] gauss(Random r, int size, float std, float mean) {
    float[] a = new float[size];
    for (int i = 0; i < size; i++) {
      a[i] = (float) (mean + std * r.nextGaussian());
    }
    return a;
  }

  private static float[] uniform(Random r, int size, float lo, float hi) {
    float[] a = new float[size];
    for (int i = 0; i < size; i++) {
      a[i] = lo + (hi - lo) * r.nextFloat();
    }
    return a;
  }
}
