package org.mambamixer.timeseries.data;

import java.util.function.IntUnaryOperator;

/**
 * Forecasting windows as plain floats: window i is a history x (T, M) and a target y (H, M), both
 * C order. Training copies windows straight into one batch buffer, so no per-window tensor is
 * ever created.
 */
public interface WindowSource {

  /** Number of windows. */
  int windows();

  int lookback();

  int horizon();

  int variates();

  /** Copies window {@code i}'s history to {@code x[xOffset..]} and target to {@code y[yOffset..]}. */
  void fill(int i, float[] x, int xOffset, float[] y, int yOffset);

  /**
   * Every {@code k}-th window (0, k, 2k, ...): a cheaper validation set for model selection on
   * long series. Test sets are never thinned.
   */
  default WindowSource every(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, got " + k);
    }
    return k == 1 ? this : view(this, (windows() + k - 1) / k, i -> i * k);
  }

  /** The first {@code n} windows (all of them when there are fewer). */
  default WindowSource first(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0, got " + n);
    }
    return n >= windows() ? this : view(this, n, i -> i);
  }

  /** {@code windows} windows of {@code all}, window i being all's window {@code index(i)}. */
  private static WindowSource view(WindowSource all, int windows, IntUnaryOperator index) {
    return new WindowSource() {
      @Override
      public int windows() {
        return windows;
      }

      @Override
      public int lookback() {
        return all.lookback();
      }

      @Override
      public int horizon() {
        return all.horizon();
      }

      @Override
      public int variates() {
        return all.variates();
      }

      @Override
      public void fill(int i, float[] x, int xOffset, float[] y, int yOffset) {
        all.fill(index.applyAsInt(i), x, xOffset, y, yOffset);
      }
    };
  }
}
