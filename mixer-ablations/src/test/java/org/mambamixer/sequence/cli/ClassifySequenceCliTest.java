package org.mambamixer.sequence.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mambamixer.ablations.Assembled;
import org.mambamixer.ablations.cli.Main;
import org.mambamixer.runtime.report.Table;

/**
 * classify-sequence through the launcher (found by ServiceLoader like any module's command): a
 * tiny run on the fused CPU scan with --stream writes the run directory, and flag mistakes are
 * usage errors (exit code 2).
 */
class ClassifySequenceCliTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.commandLine(Assembled.injector(), new PrintWriter(out, true),
        new PrintWriter(err, true)).execute(args);
  }

  /** An IDX image/label pair of n 28 x 28 images in {@code dir}: class k is a bright row k. */
  private static void writeSplit(Path dir, String split, int n) throws IOException {
    Files.createDirectories(dir);
    try (DataOutputStream img = new DataOutputStream(new GZIPOutputStream(
        Files.newOutputStream(dir.resolve(split + "-images-idx3-ubyte.gz"))));
        DataOutputStream lab = new DataOutputStream(new GZIPOutputStream(
            Files.newOutputStream(dir.resolve(split + "-labels-idx1-ubyte.gz"))))) {
      img.writeInt(0x803);
      img.writeInt(n);
      img.writeInt(28);
      img.writeInt(28);
      lab.writeInt(0x801);
      lab.writeInt(n);
      for (int i = 0; i < n; i++) {
        int k = i % 10;
        for (int p = 0; p < 784; p++) {
          img.writeByte(p / 28 == 2 * k ? 255 : 0);
        }
        lab.writeByte(k);
      }
    }
  }

  @Test
  void aTinyStreamedRunWritesTheRunDirectory(@TempDir Path tmp) throws Exception {
    writeSplit(tmp.resolve("images/fashion-mnist"), "train", 40);
    writeSplit(tmp.resolve("images/fashion-mnist"), "t10k", 20);
    Path runDir = tmp.resolve("run");
    assertThat(run("classify-sequence", "--dataset", "fashion-mnist", "--data-dir",
        tmp.resolve("images").toString(), "--permuted", "--length", "196", "--epochs", "1",
        "--max-batches", "2", "--batch-size", "8", "--d-model", "8", "--layers", "1",
        "--d-state", "4", "--channel-mixer", "feature-mlp", "--scan", "cpu", "--stream",
        "--lr-update", "batch", "--run-dir", runDir.toString()))
        .as(err.toString()).isZero();
    String config = Files.readString(runDir.resolve("config.json"));
    assertThat(config).contains("\"modality\": \"sequence\"").contains("\"permuted\": true")
        .contains("\"permutation_seed\": 42").contains("\"tokenMixer\": \"selective\"")
        .contains("\"channelMixer\": \"feature-mlp\"").contains("\"scan\": \"cpu\"")
        .contains("\"stream\": true").contains("\"pooling\": \"mean\"")
        .contains("\"lrUpdate\": \"BATCH\"");
    Table results = Table.readCsv(runDir.resolve("results.csv"));
    assertThat(results.rowCount()).isEqualTo(1);
    assertThat(results.get(0, "length").toString()).isEqualTo("196");
    assertThat(Double.parseDouble(results.get(0, "stream_max_abs_diff").toString()))
        .isLessThanOrEqualTo(1e-4);
    assertThat(results.get(0, "stream_top1")).isEqualTo(results.get(0, "top1"));
    assertThat(Double.parseDouble(results.get(0, "median_batch_ms").toString())).isPositive();
    assertThat(Table.readCsv(runDir.resolve("metrics.csv")).rowCount()).isEqualTo(1);
    assertThat(runDir.resolve("loss.png")).isNotEmptyFile();
    assertThat(runDir.resolve("checkpoint/last/manifest.json")).isNotEmptyFile();
    assertThat(out.toString()).contains("stream: test top-1").contains("run directory:");
  }

  @Test
  void classifyWithModalitySequenceRunsTheSameCommand(@TempDir Path tmp) throws Exception {
    writeSplit(tmp.resolve("images/fashion-mnist"), "train", 40);
    writeSplit(tmp.resolve("images/fashion-mnist"), "t10k", 20);
    Path runDir = tmp.resolve("run");
    assertThat(run("classify", "--modality", "sequence", "--dataset", "fashion-mnist",
        "--data-dir", tmp.resolve("images/../images").toString(), "--length", "196", "--epochs",
        "1", "--max-batches", "2", "--batch-size", "8", "--d-model", "8", "--layers", "1",
        "--d-state", "4", "--scan", "cpu", "--stream", "--run-dir", runDir.toString()))
        .as(err.toString()).isZero();
    // The data folder is recorded as one absolute, normalised path, as classify and forecast do.
    assertThat(Files.readString(runDir.resolve("config.json")))
        .contains("\"modality\": \"sequence\"").contains("\"stream\": true")
        .contains("\"data\": \"" + tmp.resolve("images") + "\"");
    assertThat(run("classify", "--modality", "audio", "--dataset", "fashion-mnist"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("no module registers the modality 'audio'")
        .contains("known: image, sequence");
  }

  @Test
  void flagMistakesAreUsageErrorsWithExitCode2() {
    assertThat(run("classify-sequence", "--length", "100")).isEqualTo(2);
    assertThat(err.toString()).contains("--length must be one of [196, 392, 784], got 100")
        .contains("Usage: mambamixer classify-sequence");
    assertThat(run("classify-sequence", "--dataset", "cifar10")).isEqualTo(2);
    assertThat(err.toString()).contains("--dataset must be fashion-mnist or mnist-test");
    assertThat(run("classify-sequence", "--token-mixer", "no-such")).isEqualTo(2);
    assertThat(err.toString()).contains("unknown token mixer 'no-such'");
    assertThat(run("classify-sequence", "--epochs", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("--epochs must be positive, got 0");
    assertThat(run("classify-sequence", "--length", "x")).isEqualTo(2);
    assertThat(run("classify-sequence", "--lr-update", "hourly")).isEqualTo(2);
    assertThat(err.toString()).contains("--lr-update: unknown learning-rate update 'hourly'");
    assertThat(run("classify-sequence", "--stream", "--token-mixer", "selective-bidirectional"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--stream needs a causal token mixer")
        .contains("scans backwards");
    assertThat(run("classify-sequence", "--stream", "--token-mixer", "attention")).isEqualTo(2);
    assertThat(err.toString()).contains("AttentionTokenMixer has no recurrent form");
  }

  @Test
  void theCommandIsInTheLaunchersHelp() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("classify-sequence");
  }
}
