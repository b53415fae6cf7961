package org.mambamixer.timeseries.data;

/**
 * The repeat-last-value forecast: every one of the H target steps predicts the last input row.
 * A trained model that does not beat it on the same windows has learned nothing useful.
 */
public final class NaiveForecast {
  private NaiveForecast() {}

  /**
   * Mean squared and mean absolute error over all windows, steps and variates, on the scale of
   * the windows (normalised).
   *
   * @param windows the number of windows scored
   */
  public record Result(double mse, double mae, long windows) {}

  /** Scores the naive forecast on every window of {@code windows}. */
  public static Result evaluate(ForecastWindows windows) {
    int l = windows.lookback();
    int h = windows.horizon();
    int m = windows.variates();
    long n = windows.size();
    double se = 0;
    double ae = 0;
    for (long i = 0; i < n; i++) {
      for (int j = 0; j < m; j++) {
        float last = windows.value(i, l - 1, j);
        for (int k = l; k < l + h; k++) {
          double d = windows.value(i, k, j) - last;
          se += d * d;
          ae += Math.abs(d);
        }
      }
    }
    double count = (double) n * h * m;
    return new Result(se / count, ae / count, n);
  }
}
