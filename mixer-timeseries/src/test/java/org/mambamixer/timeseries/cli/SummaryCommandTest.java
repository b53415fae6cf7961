package org.mambamixer.timeseries.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mambamixer.runtime.report.Table;
import picocli.CommandLine;

/** The protocol's table: a grid reads as one block per (dataset, horizon), with its val_mse. */
class SummaryCommandTest {
  private static final String WITH_VAL =
      "dataset,lookback,horizon,mse,mae,epochs,seconds,val_mse,best_epoch,seconds_per_epoch,"
          + "peak_rss_mb,parameters\n";
  private static final String WITHOUT_VAL =
      "dataset,lookback,horizon,mse,mae,epochs,seconds_per_epoch,peak_rss_mb\n";

  @Test
  void rowsAreGroupedByDatasetAndHorizonWithTheirValidationMse(@TempDir Path dir)
      throws IOException {
    write(dir.resolve("ETTh1/grid/z-point/H96"), WITH_VAL
        + "ETTh1,512,96,0.39,0.41,2,900,0.68,1,450,3000,1000\n");
    write(dir.resolve("ETTh1/grid/a-point/H96"), WITH_VAL
        + "ETTh1,512,96,0.375,0.40,2,900,0.70,1,450,3000,1000\n");
    write(dir.resolve("ETTh1/chosen/H192"), WITH_VAL
        + "ETTh1,512,192,0.42,0.43,2,900,0.93,2,450,3000,1000\n");
    // Written before results named their validation MSE; its name sorts first, its dataset last.
    write(dir.resolve("0-early/H96"), WITHOUT_VAL + "ETTh2,512,96,0.29,0.34,3,300,2000\n");
    Path prefix = dir.resolve("summary");

    int code = new CommandLine(new SummaryCommand())
        .execute("--runs", dir.toString(), "--output", prefix.toString());

    assertThat(code).isZero();
    Table t = Table.readCsv(Path.of(prefix + ".csv"));
    assertThat(t.rowCount()).isEqualTo(4);
    String[] runs = {"a-point", "z-point", "chosen", "0-early"};
    double[] horizons = {96, 96, 192, 96};
    Double[] val = {0.70, 0.68, 0.93, null};
    for (int i = 0; i < 4; i++) {
      assertThat(t.get(i, "run")).as("row %d", i).isEqualTo(runs[i]);
      assertThat(((Number) t.get(i, "horizon")).doubleValue()).isEqualTo(horizons[i]);
      if (val[i] == null) {
        assertThat(t.get(i, "val_mse")).as("row %d", i).isNull();
      } else {
        assertThat(((Number) t.get(i, "val_mse")).doubleValue()).as("row %d", i)
            .isCloseTo(val[i], within(1e-12));
      }
    }
    // Paper Table 5: ETTh1 0.375 at H96, 0.398 at H192; ETTh2 0.253 at H96.
    assertThat(t.doubles("mse_ratio")).containsExactly(
        new double[] {1.0, 0.39 / 0.375, 0.42 / 0.398, 0.29 / 0.253}, within(1e-9));
  }

  private static void write(Path runDir, String csv) throws IOException {
    Files.createDirectories(runDir);
    Files.writeString(runDir.resolve("results.csv"), csv);
  }
}
