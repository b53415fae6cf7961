package org.mambamixer.api.util;

import java.util.function.IntToDoubleFunction;

/**
 * The error measure shared by golden parity and kernel self-checks: per element
 * {@code |a - e| / max(|e|, 1% of max|e|)}, so near-zero entries do not dominate. Plain Java (no
 * DJL), so the GPU bundle can use it. A non-finite value on either side is an infinite error,
 * never a NaN that compares false.
 *
 * @param maxAbs largest absolute difference
 * @param maxRel largest relative difference
 * @param scale largest magnitude of the expected values
 */
public record MaxError(double maxAbs, double maxRel, double scale) {

  /** Compares {@code n} elements read through the two accessors. */
  public static MaxError of(int n, IntToDoubleFunction actual, IntToDoubleFunction expected) {
    double scale = 0;
    for (int i = 0; i < n; i++) {
      scale = Math.max(scale, Math.abs(expected.applyAsDouble(i)));
    }
    double maxAbs = 0;
    double maxRel = 0;
    for (int i = 0; i < n; i++) {
      double e = expected.applyAsDouble(i);
      double diff = Math.abs(actual.applyAsDouble(i) - e);
      if (!Double.isFinite(diff) || !Double.isFinite(scale)) {
        return new MaxError(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, scale);
      }
      maxAbs = Math.max(maxAbs, diff);
      maxRel = Math.max(maxRel, diff / Math.max(Math.abs(e), 1e-2 * scale + 1e-30));
    }
    return new MaxError(maxAbs, maxRel, scale);
  }
}
