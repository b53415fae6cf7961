package org.mambamixer.timeseries.data;

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
    if (k == 1) {
      return this;
    }
    WindowSource all = this;
    return new WindowSource() {
      @Override
      public int windows() {
        return (all.windows() + k - 1) / k;
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
        all.fill(i * k, x, xOffset, y, yOffset);
      }
    };
  }
}
