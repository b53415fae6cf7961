package org.mambamixer.timeseries.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mambamixer.api.cli.Command;
import org.mambamixer.api.cli.UsageException;

/** The forecast and predict commands end to end on a small CSV, and their flag errors. */
class ForecastCliTest {

  private static int run(Command c, String... args) throws Exception {
    return c.run(c.flags().parse(List.of(args)));
  }

  @Test
  void trainsThenPredictsFromTheRunDirectory(@TempDir Path tmp) throws Exception {
    Path csv = tmp.resolve("toy.csv.gz");
    StringBuilder sb = new StringBuilder("date,x,y\n");
    for (int t = 0; t < 400; t++) {
      sb.append(String.format(Locale.ROOT, "2021/3/%d %d:00,%.3f,%.3f%n", 1 + t / 24, t % 24,
          Math.sin(t / 5.0), Math.cos(t / 9.0)));
    }
    try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(csv))) {
      out.write(sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Path runDir = tmp.resolve("run");
    assertThat(run(new ForecastCommand(new PrintStream(log)), "--data", csv.toString(),
        "--lookback", "48", "--horizon", "12", "--epochs", "1", "--max-batches", "3",
        "--d-model", "8", "--layers", "1", "--d-state", "4", "--scan", "cpu",
        "--run-dir", runDir.toString())).isZero();
    assertThat(log.toString()).contains("repeat-last-value baseline").contains("test MSE");
    assertThat(runDir.resolve("results.csv")).isNotEmptyFile();

    Path pred = tmp.resolve("pred.csv");
    assertThat(run(new PredictCommand(), "--checkpoint", runDir.resolve("H12").toString(),
        "--data", csv.toString(), "--origins", "3", "--scan", "cpu", "--output", pred.toString()))
        .isZero();
    List<String> lines = Files.readAllLines(pred);
    assertThat(lines).hasSize(1 + 3 * 12);
    assertThat(lines.get(0)).isEqualTo("origin,date,step,x,y");
    // The last origin is the file's last row (day 17, 15:00); its first forecast is an hour later.
    assertThat(lines.get(1 + 2 * 12)).startsWith("2021-03-17T15:00,2021-03-17T16:00,1,");
    double x = Double.parseDouble(lines.get(1).split(",")[3]);
    assertThat(x).isBetween(-3.0, 3.0); // back on the raw scale of a unit sine
  }

  @Test
  void flagMistakesAreUsageErrors(@TempDir Path tmp) {
    ForecastCommand forecast = new ForecastCommand();
    assertThatThrownBy(() -> run(forecast, "--lookback", "96"))
        .isInstanceOf(UsageException.class).hasMessageContaining("exactly one of --dataset");
    assertThatThrownBy(() -> run(forecast, "--dataset", "ETTh1", "--resume"))
        .hasMessageContaining("--resume needs the --run-dir");
    assertThatThrownBy(() -> run(forecast, "--dataset", "ETTh1", "--averaging", "mean"))
        .hasMessageContaining("--averaging must be one of learned, softmax, frozen");
    assertThatThrownBy(() -> run(forecast, "--dataset", "nope", "--data-dir", tmp.toString()))
        .hasMessageContaining("'nope' is neither an existing file nor a known dataset name");
    assertThatThrownBy(() -> run(new PredictCommand(), "--checkpoint", tmp.toString(),
        "--data", "x.csv")).hasMessageContaining("config.json is missing");
  }
}
