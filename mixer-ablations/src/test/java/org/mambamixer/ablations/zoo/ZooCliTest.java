package org.mambamixer.ablations.zoo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mambamixer.ablations.Assembled;
import org.mambamixer.ablations.cli.Main;
import org.mambamixer.api.io.ContextClassPath;
import org.mambamixer.runtime.report.Table;
import org.mambamixer.runtime.zoo.PublishedModels;

/**
 * The shipped zoo through the launcher: {@code zoo} lists it, {@code predict --checkpoint
 * zoo:NAME} forecasts with it, and an unknown name or an altered file is one line with exit code 2
 * or 1.
 */
class ZooCliTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.commandLine(Assembled.injector(), new PrintWriter(out, true),
        new PrintWriter(err, true)).execute(args);
  }

  @Test
  void zooListsThePublishedModelsWithTheirDocumentedMetric() {
    assertThat(run("zoo")).as(err.toString()).isZero();
    assertThat(out.toString()).containsPattern(
        "\\| tsm2-etth1-96 +\\| forecast +\\| ETTh1 +\\| mse +\\| test +\\| 0\\.3840 +\\|");
  }

  @Test
  void predictForecastsWithAPublishedModel(@TempDir Path tmp) throws Exception {
    Path csv = tmp.resolve("etth1-like.csv");
    StringBuilder sb = new StringBuilder("date,HUFL,HULL,MUFL,MULL,LUFL,LULL,OT\n");
    for (int t = 0; t < 520; t++) {
      sb.append(String.format(Locale.ROOT, "2018-%02d-%02d %02d:00:00", 1 + t / 24 / 28,
          1 + t / 24 % 28, t % 24));
      for (int m = 0; m < 7; m++) {
        sb.append(String.format(Locale.ROOT, ",%.3f", 5 + m + 3 * Math.sin(t / 4.0 + m)));
      }
      sb.append('\n');
    }
    Files.writeString(csv, sb);
    Path pred = tmp.resolve("pred.csv");
    assertThat(run("predict", "--checkpoint", "zoo:tsm2-etth1-96", "--data", csv.toString(),
        "--output", pred.toString(), "--origins", "2")).as(err.toString()).isZero();
    Table t = Table.readCsv(pred);
    assertThat(t.rowCount()).isEqualTo(2 * 96);
    assertThat(t.columns()).endsWith("OT");
    for (double v : t.doubles("OT")) {
      assertThat(v).isFinite();
    }

    assertThat(run("predict", "--checkpoint", "zoo:tsm2-etth1-96", "--data", csv.toString()))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--output is required with zoo:tsm2-etth1-96");
  }

  @Test
  void quickWithoutVerifyIsAUsageError() {
    assertThat(run("zoo", "--quick")).isEqualTo(2);
    assertThat(err.toString()).contains("--quick is a kind of --verify");
  }

  @Test
  void publishModelRefusesWhatItCannotPublish(@TempDir Path tmp) throws Exception {
    String[] common = {"--name", "x", "--into", tmp.toString(), "--trained", "now"};
    assertThat(run(concat(new String[] {"publish-model", tmp.toString(), "--task", "speech"},
        common))).isEqualTo(2);
    assertThat(err.toString()).contains("--task speech: known tasks are classify, forecast");
    assertThat(run(concat(new String[] {"publish-model", tmp.toString(), "--task", "forecast"},
        common))).isEqualTo(2);
    assertThat(err.toString()).contains(tmp + " is not a run directory (no config.json)");
    Files.writeString(tmp.resolve("config.json"),
        "{\"command\": \"forecast\", \"dataset\": \"ETTh1\", \"commit\": \"5d6f162\"}");
    assertThat(run(concat(new String[] {"publish-model", tmp.toString(), "--task", "forecast"},
        common))).isEqualTo(2);
    assertThat(err.toString()).contains(tmp + " records the abbreviated commit 5d6f162");
    assertThat(tmp.resolve("x")).doesNotExist();
  }

  private static String[] concat(String[] a, String[] b) {
    return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
  }

  @Test
  void anUnknownNameListsThePublishedOnes() {
    assertThat(run("predict", "--checkpoint", "zoo:tsm2-etth9-96", "--data", "x.csv"))
        .isEqualTo(2);
    assertThat(err.toString().strip()).isEqualTo("mambamixer predict: unknown published model"
        + " 'tsm2-etth9-96'; known: "
        + String.join(", ", PublishedModels.onClassPath().names()));
    assertThat(PublishedModels.onClassPath().names()).contains("tsm2-etth1-96");
  }

  @Test
  void anAlteredFileIsRefusedByName(@TempDir Path tmp) throws Exception {
    Path shipped = PublishedModels.onClassPath().folder("tsm2-etth1-96");
    Path copy = tmp.resolve(PublishedModels.ROOT).resolve("tsm2-etth1-96");
    try (Stream<Path> files = Files.walk(shipped)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Path to = copy.resolve(shipped.relativize(f).toString());
        Files.createDirectories(to.getParent());
        Files.copy(f, to);
      }
    }
    Files.writeString(tmp.resolve(PublishedModels.INDEX), "tsm2-etth1-96\n");
    Files.writeString(copy.resolve("scaler.json"), Files.readString(copy.resolve("scaler.json"))
        .replace('1', '2'));
    // This zoo alone, so the altered copy is the one found.
    ContextClassPath.with(List.of(tmp), false, () -> assertThat(run("zoo")).isEqualTo(1));
    assertThat(err.toString().lines().toList()).isEqualTo(List.of("mambamixer zoo:"
        + " zoo:tsm2-etth1-96: scaler.json does not match its SHA-256 in manifest.json: altered"
        + " or corrupt"));
  }
}
