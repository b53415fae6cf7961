package org.mambamixer.timeseries.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;
import org.mambamixer.api.io.SharedFiles;

/** The shared benchmark files; skipped where they are absent, required under CI. */
class RealDataTest {
  private static final Path DIR = SharedFiles.dataDir().resolve("forecasting");

  private static Series load(String name) throws IOException {
    assumeTrue(SharedFiles.present(DIR, "forecasting data"),
        SharedFiles.missing(DIR, "forecasting data"));
    return SeriesCsv.read(new DataLocator(DIR, "mixer.data.dir").locate(name));
  }

  @Test
  void etth1ShapeColumnsAndSplits() throws IOException {
    Series s = load("ETTh1");
    assertThat(s.rows()).isEqualTo(17420);
    assertThat(s.timeColumn()).isEqualTo("date");
    assertThat(s.columns()).containsExactly("HUFL", "HULL", "MUFL", "MULL", "LUFL", "LULL", "OT");
    assertThat(s.time()[0]).isEqualTo(LocalDateTime.parse("2016-07-01T00:00"));
    assertThat(s.time()[17419]).isEqualTo(LocalDateTime.parse("2018-06-26T19:00"));
    assertThat(s.values()[0][6]).isEqualTo(30.5310001373291f);
    Splits splits = Splits.forDataset(s.name(), s.rows());
    assertThat(splits.rule()).isEqualTo(SplitRule.ETT_HOURLY);
    assertThat(splits.test()).isEqualTo(new Splits.Block(11520, 14400));
  }

  @Test
  void ettm1IsQuarterHourly() throws IOException {
    Series s = load("ettm1");
    assertThat(s.rows()).isEqualTo(69680);
    assertThat(s.time()[1]).isEqualTo(LocalDateTime.parse("2016-07-01T00:15"));
    Splits splits = Splits.forDataset(s.name(), s.rows());
    assertThat(splits.rule()).isEqualTo(SplitRule.ETT_15MIN);
    assertThat(splits.test()).isEqualTo(new Splits.Block(46080, 57600));
  }

  @Test
  void weatherShapeAndSplits() throws IOException {
    Series s = load("weather");
    assertThat(s.rows()).isEqualTo(52696);
    assertThat(s.variates()).isEqualTo(21);
    assertThat(s.columns().get(16)).isEqualTo("SWDR (W/m\uFFFD)");
    assertThat(s.columns().get(20)).isEqualTo("OT");
    Splits splits = Splits.forDataset(s.name(), s.rows());
    assertThat(splits.val()).isEqualTo(new Splits.Block(36887, 36887 + 5270));
    assertThat(splits.test().size()).isEqualTo(10539);
  }

  @Test
  void scaledTrainBlockIsStandardised() throws IOException {
    for (String name : new String[] {"ETTh1", "weather"}) {
      Series s = load(name);
      Splits.Block train = Splits.forDataset(s.name(), s.rows()).train();
      float[][] z = Scaler.fit(s.values(), train).transform(s.values());
      for (int m = 0; m < s.variates(); m++) {
        double sum = 0;
        double sq = 0;
        for (int t = train.start(); t < train.end(); t++) {
          sum += z[t][m];
          sq += (double) z[t][m] * z[t][m];
        }
        double mean = sum / train.size();
        assertThat(mean).as(name + " " + s.columns().get(m)).isCloseTo(0, within(1e-4));
        assertThat(Math.sqrt(sq / train.size() - mean * mean))
            .as(name + " " + s.columns().get(m)).isCloseTo(1, within(1e-3));
      }
    }
  }

  @Test
  void naiveForecastOnEtth1Test() throws IOException {
    Series s = load("ETTh1");
    Splits splits = Splits.forDataset(s.name(), s.rows());
    float[][] z = Scaler.fit(s.values(), splits.train()).transform(s.values());
    NaiveForecast.Result r =
        NaiveForecast.evaluate(ForecastWindows.evaluation(z, splits, Split.TEST, 96, 96, 32));
    System.out.printf("ETTh1 test, repeat-last, L=96 H=96: MSE %.4f MAE %.4f over %d windows%n",
        r.mse(), r.mae(), r.windows());
    assertThat(r.windows()).isEqualTo(2880 - 96 + 1);
    // DLinear's "Repeat" baseline reports MSE 1.295, MAE 0.713 for this setting.
    assertThat(r.mse()).isBetween(1.2, 1.4);
    assertThat(r.mae()).isBetween(0.65, 0.78);
  }
}
