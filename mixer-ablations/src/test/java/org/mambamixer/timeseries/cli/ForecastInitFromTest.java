package org.mambamixer.timeseries.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mambamixer.ablations.Assembled;
import org.mambamixer.ablations.ToySeries;
import org.mambamixer.ablations.cli.Main;
import org.mambamixer.runtime.report.Table;
import org.mambamixer.runtime.train.Checkpoint;
import org.mambamixer.runtime.zoo.PublishedModels;
import org.mambamixer.timeseries.train.ForecastRun;

/**
 * {@code forecast --init-from}: a second run starts from a first run's best weights (with a
 * learning rate too small to move them, its validation and test MSE are the first run's), records
 * where it started, and refuses a model of other shapes, several horizons, and a folder that is
 * no run; {@code zoo:NAME} names a published forecaster.
 */
class ForecastInitFromTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    return Main.commandLine(Assembled.injector(), new PrintWriter(out, true),
        new PrintWriter(err, true)).execute(args);
  }

  @Test
  void aRunStartsFromAnotherRunsWeights(@TempDir Path tmp) throws Exception {
    Path csv = ToySeries.write(tmp.resolve("toy.csv"), 400, 2);
    List<String> common = List.of("forecast", "--data", csv.toString(), "--lookback", "32",
        "--epochs", "1", "--max-batches", "2", "--layers", "1", "--d-state", "4", "--scan",
        "cpu");
    Path first = tmp.resolve("first");
    assertThat(run(args(common, "--d-model", "8", "--horizon", "8", "--run-dir",
        first.toString())))
        .as(err.toString()).isZero();
    Table a = Table.readCsv(first.resolve("results.csv"));

    // The first run's settings with a learning rate of 1e-30, which leaves float32 weights as
    // they are: what the second run measures is its starting point.
    JsonObject still = JsonParser.parseString(Files.readString(first.resolve("H8/config.json")))
        .getAsJsonObject();
    still.getAsJsonObject("train").addProperty("lr", 1e-30);
    still.getAsJsonObject("train").addProperty("minLr", 0);
    Path config = Files.writeString(tmp.resolve("still.json"), still.toString());
    Path tuned = tmp.resolve("tuned");
    assertThat(run("forecast", "--config", config.toString(), "--run-dir", tuned.toString(),
        "--init-from", first.resolve("H8").toString())).as(err.toString()).isZero();
    assertThat(out.toString()).contains("starting from the weights of "
        + first.resolve("H8/checkpoint/best").toAbsolutePath());
    Table b = Table.readCsv(tuned.resolve("results.csv"));
    assertThat(b.get(0, "val_mse")).isEqualTo(a.get(0, "val_mse"));
    assertThat(b.get(0, "mse")).isEqualTo(a.get(0, "mse"));
    ForecastRun.Spec spec = ForecastRun.readSpec(tuned.resolve("H8/config.json"));
    assertThat(spec.init().checkpoint())
        .isEqualTo(first.resolve("H8/checkpoint/best").toAbsolutePath().toString());
    assertThat(spec.init().manifestSha256()).isEqualTo(Checkpoint.sha256(
        first.resolve("H8/checkpoint/best").resolve(Checkpoint.MANIFEST)));

    // The same run from a seeded initialisation is somewhere else: the check above can fail.
    Path seeded = tmp.resolve("seeded");
    assertThat(run("forecast", "--config", config.toString(), "--run-dir", seeded.toString()))
        .as(err.toString()).isZero();
    assertThat(Table.readCsv(seeded.resolve("results.csv")).get(0, "mse"))
        .isNotEqualTo(a.get(0, "mse"));

    // A model of another width: one line naming the first parameter whose shape differs.
    assertThat(run(args(common, "--horizon", "8", "--d-model", "16", "--run-dir",
        tmp.resolve("wide").toString(), "--init-from", first.resolve("H8").toString())))
        .isEqualTo(1);
    assertThat(err.toString().strip()).doesNotContain("\n")
        .containsPattern("does not fit this model: parameter \\S+ is \\(.*\\) there, \\(.*\\)"
            + " here$");

    assertThat(run(args(common, "--d-model", "8", "--horizon", "8,16", "--run-dir",
        tmp.resolve("two").toString(), "--init-from", first.resolve("H8").toString())))
        .isEqualTo(2);
    assertThat(err.toString()).contains("give one --horizon, not 2");

    assertThat(run(args(common, "--d-model", "8", "--horizon", "8", "--run-dir",
        tmp.resolve("none").toString(), "--init-from", tmp.toString()))).isEqualTo(2);
    assertThat(err.toString()).contains("--init-from " + tmp + " is neither a forecast run"
        + " directory (config.json) nor a checkpoint folder (manifest.json)");
  }

  @Test
  void zooNamesAPublishedForecaster(@TempDir Path tmp) throws Exception {
    Path csv = ToySeries.write(tmp.resolve("toy.csv"), 400, 2);
    // The published ETTh1 model (7 variates, lookback 512) does not fit a 2-variate toy model:
    // the error names its folder's checkpoint, so zoo:NAME was resolved to it.
    assertThat(run("forecast", "--data", csv.toString(), "--lookback", "32", "--horizon", "8",
        "--epochs", "1", "--max-batches", "1", "--scan", "cpu", "--run-dir",
        tmp.resolve("run").toString(), "--init-from", "zoo:tsm2-etth1-96")).isEqualTo(1);
    assertThat(err.toString().strip()).doesNotContain("\n").contains("checkpoint "
        + PublishedModels.onClassPath().folder("tsm2-etth1-96").resolve("checkpoint/best")
        + " does not fit this model: parameter ");

    assertThat(run("forecast", "--data", csv.toString(), "--init-from", "zoo:tsm2-nope"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("unknown published model 'tsm2-nope'");
  }

  private static String[] args(List<String> common, String... more) {
    List<String> all = new java.util.ArrayList<>(common);
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }
}
