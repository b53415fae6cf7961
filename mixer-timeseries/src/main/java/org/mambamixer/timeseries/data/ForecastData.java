package org.mambamixer.timeseries.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * One dataset ready for a forecasting run: the series, its standard splits, the train-fitted
 * scaler and the three window sets (lookback, horizon, stride 1) on the normalised scale.
 *
 * @param train windows whose targets lie in the train block
 * @param val windows whose targets lie in the validation block (history may reach back)
 * @param test windows whose targets lie in the test block (history may reach back)
 */
public record ForecastData(Series series, Splits splits, Scaler scaler, ForecastWindows train,
    ForecastWindows val, ForecastWindows test) {

  /** Reads {@code csv} and cuts it by the rule its dataset name implies. */
  public static ForecastData load(Path csv, int lookback, int horizon, int batch, long seed)
      throws IOException {
    Series s = SeriesCsv.read(csv);
    Splits splits = Splits.forDataset(s.name(), s.rows());
    Scaler scaler = Scaler.fit(s.values(), splits.block(Split.TRAIN));
    float[][] z = scaler.transform(s.values());
    return new ForecastData(s, splits, scaler,
        ForecastWindows.training(z, splits, lookback, horizon, batch, seed),
        ForecastWindows.evaluation(z, splits, Split.VAL, lookback, horizon, batch),
        ForecastWindows.evaluation(z, splits, Split.TEST, lookback, horizon, batch));
  }
}
