package org.mambamixer.timeseries.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.mambamixer.ablations.Assembled;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.api.io.SharedFiles;
import org.mambamixer.api.scan.SelectiveScan;
import org.junit.jupiter.api.io.TempDir;
import org.mambamixer.timeseries.data.DataLocator;
import org.mambamixer.timeseries.data.ForecastData;
import org.mambamixer.timeseries.data.NaiveForecast;
import org.mambamixer.timeseries.model.Tsm2Config;

/** A short real-data run: TSM2 trained briefly on ETTh1 must beat repeat-last-value on test. */
class Etth1SmokeTest {

  @Test
  void briefTrainingBeatsTheNaiveForecast(@TempDir Path tmp) throws Exception {
    Path dir = SharedFiles.dataDir().resolve("forecasting");
    Assumptions.assumeTrue(SharedFiles.present(dir, "forecasting data"),
        SharedFiles.missing(dir, "forecasting data"));
    Path csv = DataLocator.fromEnvironment(dir.toString()).locate("ETTh1");
    TrainConfig train = TrainConfig.quick().withEpochs(1).withMaxBatches(40);
    ForecastData data = ForecastData.load(csv, 96, 96, train.batchSize(), train.seed());
    NaiveForecast.Result naive = NaiveForecast.evaluate(data.test());
    Variants variants = Assembled.variants();
    ForecastRun.Outcome out = new ForecastRun(Assembled.catalog(), variants.scan("cpu"),
        new PrintWriter(new ByteArrayOutputStream()), 0)
        .execute(new ForecastRun.Spec("ETTh1", Tsm2Config.etth1(96), train, csv.toString(), 1, "cpu", "test", "", "tsm2"),
            data.train(), data.val(), data.test(), tmp, false);
    // Naive: MSE 1.294 / MAE 0.713 on the full test split (2785 windows).
    assertThat(naive.mse()).isBetween(1.2, 1.4);
    assertThat(out.mse()).as("TSM2 test MSE vs naive %s", naive.mse()).isLessThan(0.6 * naive.mse());
    assertThat(out.mae()).isLessThan(naive.mae());
  }
}
