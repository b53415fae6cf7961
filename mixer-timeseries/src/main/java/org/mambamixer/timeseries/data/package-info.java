/**
 * The forecasting data layer: the Informer/Autoformer benchmark protocol (spec D11) as plain Java.
 *
 * <pre>{@code
 * Path csv = DataLocator.fromEnvironment(dataDirFlag).locate("ETTh1");   // or any CSV path
 * Series series = SeriesCsv.read(csv);                                   // (T, M) raw values
 * Splits splits = Splits.forDataset(series.name(), series.rows());       // 12/4/4 months, 70/10/20
 * Scaler scaler = Scaler.fit(series.values(), splits.block(Split.TRAIN)); // z-score, train only
 * float[][] z = scaler.transform(series.values());                        // (T, M) normalised
 * ForecastWindows train = ForecastWindows.training(z, splits, 96, 96, 32, seed);
 * ForecastWindows test = ForecastWindows.evaluation(z, splits, Split.TEST, 96, 96, 32);
 * NaiveForecast.Result baseline = NaiveForecast.evaluate(test);           // the bar to beat
 * }</pre>
 *
 * <p>Values stay {@code float[T][M]} (time-major, one row per timestamp) until a window is
 * materialised as an {@link ai.djl.ndarray.NDArray}; every metric is on the normalised scale.
 */
package org.mambamixer.timeseries.data;
