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
}
