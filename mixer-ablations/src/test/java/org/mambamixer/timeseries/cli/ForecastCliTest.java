package org.mambamixer.timeseries.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mambamixer.ablations.Assembled;
import org.mambamixer.ablations.ToySeries;
import org.mambamixer.ablations.cli.Main;
import org.mambamixer.runtime.report.Table;

/** The forecast and predict commands end to end through the launcher, and their usage errors. */
class ForecastCliTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.commandLine(Assembled.injector(), new PrintWriter(out, true),
        new PrintWriter(err, true)).execute(args);
  }

  @Test
  void trainsThenPredictsFromTheRunDirectory(@TempDir Path tmp) throws Exception {
    Path csv = tmp.resolve("toy.csv.gz");
    StringBuilder sb = new StringBuilder("date,x,y\n");
    for (int t = 0; t < 400; t++) {
      sb.append(String.format(Locale.ROOT, "2021/3/%d %d:00,%.3f,%.3f%n", 1 + t / 24, t % 24,
          Math.sin(t / 5.0), Math.cos(t / 9.0)));
    }
    try (var gz = new java.util.zip.GZIPOutputStream(Files.newOutputStream(csv))) {
      gz.write(sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    Path runDir = tmp.resolve("run");
    assertThat(run("forecast", "--data", csv.toString(), "--lookback", "48", "--horizon", "12",
        "--epochs", "1", "--max-batches", "3", "--d-model", "8", "--layers", "1", "--d-state", "4",
        "--skip", "softmax", "--scan", "cpu", "--run-dir", runDir.toString())).isZero();
    assertThat(out.toString()).contains("repeat-last-value baseline").contains("test MSE");
    assertThat(runDir.resolve("results.csv")).isNotEmptyFile();
    assertThat(Files.readString(runDir.resolve("H12/config.json")))
        .contains("\"skip\": \"softmax\"").contains("\"scan\": \"cpu\"");

    Path pred = tmp.resolve("pred.csv");
    assertThat(run("predict", "--checkpoint", runDir.resolve("H12").toString(), "--data",
        csv.toString(), "--origins", "3", "--scan", "cpu", "--output", pred.toString())).isZero();
    List<String> lines = Files.readAllLines(pred);
    assertThat(lines).hasSize(1 + 3 * 12);
    assertThat(lines.get(0)).isEqualTo("origin,date,step,x,y");
    // The last origin is the file's last row (day 17, 15:00); its first forecast is an hour later.
    assertThat(lines.get(1 + 2 * 12)).startsWith("2021-03-17T15:00,2021-03-17T16:00,1,");
    double x = Double.parseDouble(lines.get(1).split(",")[3]);
    assertThat(x).isBetween(-3.0, 3.0); // back on the raw scale of a unit sine
  }

  @Test
  void flagMistakesAreUsageErrorsWithExitCode2(@TempDir Path tmp) {
    assertThat(run("forecast", "--lookback", "96")).isEqualTo(2);
    assertThat(err.toString()).contains("--dataset").contains("Usage: mambamixer forecast");
    assertThat(run("forecast", "--dataset", "ETTh1", "--resume")).isEqualTo(2);
    assertThat(err.toString()).contains("--resume needs the --run-dir");
    assertThat(run("forecast", "--dataset", "ETTh1", "--budget", "huge")).isEqualTo(2);
    assertThat(err.toString()).contains("--budget").contains("quick, full");
    assertThat(run("forecast", "--dataset", "nope", "--data-dir", tmp.toString())).isEqualTo(1);
    assertThat(err.toString())
        .contains("'nope' is neither an existing file nor a known dataset name");
    assertThat(run("predict", "--checkpoint", tmp.toString(), "--data", "x.csv")).isEqualTo(1);
    assertThat(err.toString()).contains("config.json is missing");
  }

  @Test
  void anUnknownVariantNameExitsNonZeroListingTheKnownOnes() {
    assertThat(run("forecast", "--dataset", "ETTh1", "--token-mixer", "no-such-thing"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("unknown token mixer 'no-such-thing'; known: ")
        .contains("selective, selective-bidirectional");
    assertThat(run("forecast", "--dataset", "ETTh1", "--scan", "tpu")).isNotZero();
    assertThat(err.toString()).contains("unknown scan backend 'tpu'; known: auto, cpu, cuda");
  }

  @Test
  void resumeWithAConflictingFlagNamesItAndChangesNothing(@TempDir Path tmp) throws Exception {
    Path csv = ToySeries.write(tmp.resolve("toy.csv"), 300, 1);
    Path runDir = tmp.resolve("run");
    String[] start = {"forecast", "--data", csv.toString(), "--lookback", "32", "--horizon", "8",
        "--epochs", "2", "--max-batches", "2", "--d-model", "8", "--layers", "1", "--d-state", "4",
        "--skip", "frozen", "--scan", "cpu", "--val-interval", "1", "--eval-batch-size", "5",
        "--recompute", "--min-delta", "0.01", "--stop-lr", "5e-4", "--run-dir", runDir.toString()};
    assertThat(run(start)).as(err.toString()).isZero();
    java.util.Map<Path, byte[]> before = snapshot(runDir);
    assertThat(run("forecast", "--data", csv.toString(), "--lookback", "48", "--run-dir",
        runDir.toString(), "--resume")).isEqualTo(2);
    assertThat(err.toString()).contains("--lookback 48 (the run has 32)");
    assertThat(run("forecast", "--data", csv.toString(), "--val-interval", "2", "--run-dir",
        runDir.toString(), "--resume")).isEqualTo(2);
    assertThat(err.toString()).contains("--val-interval 2 (the run has 1)");
    assertThat(run("forecast", "--data", csv.toString(), "--eval-batch-size", "7", "--run-dir",
        runDir.toString(), "--resume")).isEqualTo(2);
    assertThat(err.toString()).contains("--eval-batch-size 7 (the run has 5)");
    assertThat(run("forecast", "--data", csv.toString(), "--min-delta", "0", "--run-dir",
        runDir.toString(), "--resume")).isEqualTo(2);
    assertThat(err.toString()).contains("--min-delta 0.0 (the run has 0.01)");
    assertThat(run("forecast", "--data", csv.toString(), "--stop-lr", "0", "--run-dir",
        runDir.toString(), "--resume")).isEqualTo(2);
    assertThat(err.toString()).contains("--stop-lr 0.0 (the run has 5.0E-4)");
    // Its cosine spans its two epochs: another number would make another run.
    assertThat(run("forecast", "--data", csv.toString(), "--epochs", "3", "--run-dir",
        runDir.toString(), "--resume")).isEqualTo(2);
    assertThat(err.toString()).contains("--epochs 3 (the run has 2; its learning rate's cosine"
        + " spans those epochs");
    // Another file with the same rows is another dataset to the run: refused by name.
    Path copy = Files.copy(csv, tmp.resolve("copy.csv"));
    assertThat(run("forecast", "--data", copy.toString(), "--run-dir", runDir.toString(),
        "--resume")).isEqualTo(2);
    assertThat(err.toString()).contains("--data " + copy + " (the run has " + csv);
    java.util.Map<Path, byte[]> after = snapshot(runDir);
    assertThat(after).containsOnlyKeys(before.keySet());
    before.forEach((p, bytes) -> assertThat(after.get(p)).as(p.toString()).isEqualTo(bytes));
    // Without conflicting flags the run continues with its own settings (frozen skip, cpu scan,
    // its budget), not the defaults, and its config.json stays as it was written. The data file
    // is named in another spelling: the same file is the same run.
    String config = Files.readString(runDir.resolve("H8/config.json"));
    assertThat(run("forecast", "--data", tmp.resolve(".").resolve("toy.csv").toString(),
        "--run-dir", runDir.toString(), "--resume")).as(err.toString()).isZero();
    assertThat(Files.readString(runDir.resolve("H8/config.json"))).isEqualTo(config)
        .contains("\"skip\": \"frozen\"").contains("\"valInterval\": 1").contains("\"evalBatchSize\": 5").contains("\"recompute\": true")
        .contains("\"minDelta\": 0.01").contains("\"stopLr\": 5.0E-4").contains("\"command\": \"mambamixer forecast --data")
        .contains("\"data_sha256\": \"");
  }

  /**
   * Under a step decay (DLinear's type1) a resumed run may be given other epochs: lengthened, it
   * is the run started with them, and config.json records them.
   */
  @Test
  void aRunUnderAStepDecayIsLengthenedOnResume(@TempDir Path tmp) throws Exception {
    Path csv = ToySeries.write(tmp.resolve("toy.csv"), 300, 1);
    List<String> common = List.of("forecast", "--model", "dlinear", "--data", csv.toString(),
        "--lookback", "32", "--horizon", "8", "--max-batches", "2", "--patience", "10");
    Path straight = tmp.resolve("straight");
    Path runDir = tmp.resolve("run");
    assertThat(run(with(common, "--epochs", "3", "--run-dir", straight.toString())))
        .as(err.toString()).isZero();
    assertThat(run(with(common, "--epochs", "2", "--run-dir", runDir.toString())))
        .as(err.toString()).isZero();
    assertThat(run("forecast", "--data", csv.toString(), "--epochs", "3", "--run-dir",
        runDir.toString(), "--resume")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("the run's budget is now 3 epochs (was 2");
    assertThat(Files.readAllLines(runDir.resolve("H8/metrics.csv")).stream()
        .map(ForecastCliTest::withoutSeconds))
        .containsExactlyElementsOf(Files.readAllLines(straight.resolve("H8/metrics.csv")).stream()
            .map(ForecastCliTest::withoutSeconds).toList());
    String config = Files.readString(runDir.resolve("H8/config.json"));
    assertThat(config).contains("\"epochs\": 3").contains("\"epochs_changed\"");
    // Cut to fewer than it has done, its best might lie past the budget: refused.
    assertThat(run("forecast", "--data", csv.toString(), "--epochs", "2", "--run-dir",
        runDir.toString(), "--resume")).isEqualTo(1);
    assertThat(err.toString()).contains("the run has begun 3 epochs; it can be cut to no fewer");
    assertThat(Files.readString(runDir.resolve("H8/config.json"))).isEqualTo(config);
  }

  private static String[] with(List<String> args, String... more) {
    List<String> all = new java.util.ArrayList<>(args);
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  /** A metrics.csv row without its last column, the seconds. */
  private static String withoutSeconds(String row) {
    return row.substring(0, row.lastIndexOf(','));
  }

  private static java.util.Map<Path, byte[]> snapshot(Path dir) throws java.io.IOException {
    java.util.Map<Path, byte[]> files = new java.util.TreeMap<>();
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        files.put(dir.relativize(p), Files.readAllBytes(p));
      }
    }
    return files;
  }

  @Test
  void aSeriesWithoutPresetGetsDefaultsFromItsSizeLoggedAndRecorded(@TempDir Path tmp)
      throws Exception {
    // 300 rows, 210 for training: at horizon 24 too few windows for lookback 96.
    Path csv = tmp.resolve("short.csv");
    Files.write(csv, Files.readAllLines(toy(tmp)).subList(0, 301));
    Path runDir = tmp.resolve("run");
    assertThat(run("forecast", "--data", csv.toString(), "--horizon", "24", "--max-batches", "2",
        "--epochs", "1", "--scan", "reference", "--run-dir", runDir.toString()))
        .as(err.toString()).isZero();
    var spec = org.mambamixer.timeseries.train.ForecastRun.readSpec(
        runDir.resolve("H24/config.json"));
    var d = org.mambamixer.timeseries.train.SeriesDefaults.choose("short", 210, 2, null, 24, 32);
    assertThat(out.toString()).contains(d.describe());
    assertThat(spec.model().lookback()).isEqualTo(d.lookback()).isLessThan(96);
    assertThat(spec.model().patchLen()).isEqualTo(d.patch());
    assertThat(spec.model().dModel()).isEqualTo(16);
    assertThat(spec.train().epochs()).as("--epochs overrides the default").isEqualTo(1);
    assertThat(spec.train().maxBatchesPerEpoch()).isEqualTo(2);
  }

  /** A toy series of two sines, 400 hourly rows. */
  private static Path toy(Path tmp) throws java.io.IOException {
    Path csv = tmp.resolve("two.csv");
    StringBuilder sb = new StringBuilder("date,x,y\n");
    for (int t = 0; t < 400; t++) {
      sb.append(String.format(Locale.ROOT, "2021/3/%d %d:00,%.3f,%.3f%n", 1 + t / 24, t % 24,
          Math.sin(t / 5.0), 2 + Math.cos(t / 9.0)));
    }
    Files.writeString(csv, sb);
    return csv;
  }

  /**
   * A multi-horizon run killed before it reached its second horizon resumes both without
   * --horizon: the run directory records the horizons it was started with.
   */
  @Test
  void aResumeWithoutHorizonFinishesEveryHorizonTheRunWasStartedWith(@TempDir Path tmp)
      throws Exception {
    Path csv = toy(tmp);
    Path runDir = tmp.resolve("run");
    assertThat(run("forecast", "--data", csv.toString(), "--lookback", "32", "--horizon", "8,12",
        "--epochs", "1", "--max-batches", "2", "--d-model", "8", "--layers", "1", "--d-state", "4",
        "--scan", "cpu", "--run-dir", runDir.toString())).as(err.toString()).isZero();
    double[] straight = mse(runDir.resolve("H12/results.csv"));
    // Where a kill during H8 leaves the run: no H12 yet.
    try (var walk = Files.walk(runDir.resolve("H12"))) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    assertThat(run("forecast", "--data", csv.toString(), "--run-dir", runDir.toString(),
        "--resume")).as(err.toString()).isZero();
    assertThat(mse(runDir.resolve("H12/results.csv"))).containsExactly(straight);
    assertThat(Table.parseCsv(Files.readString(runDir.resolve("results.csv")), "results.csv")
        .doubles("horizon")).containsExactly(8, 12);
  }

  private static double[] mse(Path resultsCsv) throws java.io.IOException {
    return Table.parseCsv(Files.readString(resultsCsv), resultsCsv.toString()).doubles("mse");
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"frozen", "softmax"})
  void aTrainedRunPredictsWhatItsOwnTestEvaluationScored(String skip, @TempDir Path tmp)
      throws Exception {
    Path csv = toy(tmp);
    Path runDir = tmp.resolve("run");
    assertThat(run("forecast", "--data", csv.toString(), "--lookback", "32", "--horizon", "8",
        "--epochs", "1", "--max-batches", "3", "--d-model", "8", "--layers", "2", "--d-state", "4",
        "--skip", skip, "--scan", "cpu", "--run-dir", runDir.toString())).as(err.toString())
        .isZero();
    double testMse = org.mambamixer.runtime.report.Table.readCsv(runDir.resolve("results.csv"))
        .doubles("mse")[0];
    // Through the Java API a user would take: the run as a DJL model, raw histories in.
    try (org.mambamixer.timeseries.train.TrainedRun trained =
             org.mambamixer.timeseries.train.TrainedRun.open(runDir.resolve("H8"),
                 Assembled.catalog(), "cpu");
         ai.djl.inference.Predictor<float[][], float[][]> p = trained.newPredictor()) {
      assertThat(trained.spec().model().variants().skip()).isEqualTo(skip);
      var data = org.mambamixer.timeseries.data.ForecastData.load(csv, 32, 8, 32, 2021);
      var test = data.test();
      var scaler = trained.scaler();
      java.util.List<float[][]> histories = new java.util.ArrayList<>();
      java.util.List<float[]> truths = new java.util.ArrayList<>();
      for (int i = 0; i < test.windows(); i++) {
        float[] x = new float[32 * 2];
        float[] y = new float[8 * 2];
        test.fill(i, x, 0, y, 0);
        float[][] raw = new float[32][2];
        for (int r = 0; r < 32; r++) {
          for (int v = 0; v < 2; v++) {
            raw[r][v] = x[r * 2 + v] * scaler.std()[v] + scaler.mean()[v];
          }
        }
        histories.add(raw);
        truths.add(y);
      }
      java.util.List<float[][]> forecasts = p.batchPredict(histories);
      double sum = 0;
      for (int i = 0; i < forecasts.size(); i++) {
        for (int j = 0; j < 8; j++) {
          for (int v = 0; v < 2; v++) {
            double z = (forecasts.get(i)[j][v] - scaler.mean()[v]) / scaler.std()[v];
            double d = z - truths.get(i)[j * 2 + v];
            sum += d * d;
          }
        }
      }
      double mse = sum / (forecasts.size() * 8 * 2);
      assertThat(mse).isCloseTo(testMse, org.assertj.core.data.Percentage.withPercentage(0.1));
    }
  }

  @Test
  void configRerunsARunWithFlagsOverriding(@TempDir Path tmp) throws Exception {
    Path csv = toy(tmp);
    Path first = tmp.resolve("first");
    assertThat(run("forecast", "--data", csv.toString(), "--lookback", "32", "--horizon", "8",
        "--epochs", "1", "--max-batches", "2", "--d-model", "8", "--layers", "1", "--d-state", "4",
        "--skip", "residual", "--token-mixer", "selective-bidirectional", "--scan", "cpu",
        "--run-dir", first.toString())).as(err.toString()).isZero();
    Path second = tmp.resolve("second");
    assertThat(run("forecast", "--config", first.resolve("H8/config.json").toString(),
        "--max-batches", "1", "--run-dir", second.toString())).as(err.toString()).isZero();
    var a = org.mambamixer.timeseries.train.ForecastRun.readSpec(first.resolve("H8/config.json"));
    var b = org.mambamixer.timeseries.train.ForecastRun.readSpec(second.resolve("H8/config.json"));
    assertThat(b.model()).isEqualTo(a.model());
    assertThat(b.scan()).isEqualTo("cpu");
    assertThat(b.train().maxBatchesPerEpoch()).isEqualTo(1);
    assertThat(b.train().withMaxBatches(2)).isEqualTo(a.train());
    assertThat(b.commandLine()).contains("--config").contains("--max-batches 1");
    // summary reads each run's config: the variants name the rows.
    assertThat(run("summary", "--runs", tmp.toString())).isZero();
    assertThat(out.toString())
        .contains("selective-bidirectional/selective-bidirectional/residual/layer @cpu")
        .contains(" val_mse ");
  }
}
