package org.mambamixer.sequence.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import org.mambamixer.api.inject.Variants;
import org.mambamixer.runtime.data.IdxFiles;
import org.mambamixer.runtime.data.Normalization;
import org.mambamixer.runtime.report.Table;
import org.mambamixer.runtime.train.TrainingListener;
import org.mambamixer.sequence.data.PixelOrder;
import org.mambamixer.sequence.data.PixelSequences;
import org.mambamixer.sequence.model.SequenceConfig;
import org.mambamixer.sequence.train.SequenceRun;

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

  private String[] tiny(Path images, Path runDir, int epochs) {
    return new String[] {"classify-sequence", "--dataset",
        "fashion-mnist", "--data-dir", images.toString(), "--length", "196", "--epochs", "" + epochs,
        "--batch-size", "8", "--d-model", "8", "--layers", "1", "--d-state", "4", "--scan",
        "cpu", "--lr-update", "batch", "--save-interval", "2", "--run-dir",
        runDir.toString()};
  }

  /**
   * A run killed in its second epoch and resumed with {@code --resume --run-dir} alone (the
   * settings come from its config.json) ends with the uninterrupted run's numbers, bit for bit.
   */
  @Test
  void aKilledRunResumesBitForBit(@TempDir Path tmp) throws Exception {
    writeSplit(tmp.resolve("images/fashion-mnist"), "train", 40);
    writeSplit(tmp.resolve("images/fashion-mnist"), "t10k", 20);
    Path straight = tmp.resolve("straight");
    assertThat(run(tiny(tmp.resolve("images"), straight, 2))).as(err.toString()).isZero();

    Path killed = tmp.resolve("killed");
    SequenceRun.Spec spec = SequenceRun.readSpec(straight.resolve("config.json"));
    Path dir = tmp.resolve("images/fashion-mnist");
    PixelOrder order = PixelOrder.sequential(784);
    PixelSequences train = new PixelSequences(IdxFiles.readSplit(dir, "train",
        IdxFiles.FASHION_MNIST), order, Normalization.FASHION_MNIST, 196);
    PixelSequences test = new PixelSequences(IdxFiles.readSplit(dir, "t10k",
        IdxFiles.FASHION_MNIST), order, Normalization.FASHION_MNIST, 196);
    int[] batches = {0};
    TrainingListener killer = new TrainingListener() {
      @Override
      public void onBatchEnd(int epoch, int batch, int of, float loss) {
        if (++batches[0] == 8) { // epoch 2, batch 3: after a resume point inside it
          throw new IllegalStateException("killed");
        }
      }
    };
    Variants variants = Assembled.variants();
    assertThatThrownBy(() -> new SequenceRun(variants, variants.scan("cpu"),
        new PrintWriter(new StringWriter()), 2, killer).execute(spec, train, test, killed, false))
        .hasMessage("killed");
    assertThat(Files.readString(killed.resolve("state.json"))).contains("\"batchesDone\": 2");

    assertThat(run("classify-sequence", "--resume", "--run-dir", killed.toString()))
        .as(err.toString()).isZero();
    assertThat(out.toString()).contains("resuming " + killed + " after epoch 1 and 2 batches");
    for (String file : new String[] {"metrics.csv", "batch_loss.csv"}) {
      Table a = Table.readCsv(straight.resolve(file));
      Table b = Table.readCsv(killed.resolve(file));
      assertThat(b.rowCount()).as(file).isEqualTo(a.rowCount());
      String loss = file.equals("metrics.csv") ? "train_loss" : "loss";
      assertThat(b.doubles(loss)).as(file).isEqualTo(a.doubles(loss));
    }
    Table a = Table.readCsv(straight.resolve("results.csv"));
    Table b = Table.readCsv(killed.resolve("results.csv"));
    assertThat(b.get(0, "top1")).isEqualTo(a.get(0, "top1"));
    assertThat(b.get(0, "top5")).isEqualTo(a.get(0, "top5"));
  }

  /**
   * --config reruns a run's settings with the typed flags over them; beside --resume a flag that
   * disagrees with the run is a usage error naming it, and the run is left as it was.
   */
  @Test
  void configAndResumeFollowTheOnePrecedenceRule(@TempDir Path tmp) throws Exception {
    writeSplit(tmp.resolve("images/fashion-mnist"), "train", 24);
    writeSplit(tmp.resolve("images/fashion-mnist"), "t10k", 8);
    Path first = tmp.resolve("first");
    assertThat(run(tiny(tmp.resolve("images"), first, 1))).as(err.toString())
        .isZero();
    Path again = tmp.resolve("again");
    assertThat(run("classify-sequence", "--config", first.resolve("config.json").toString(),
        "--d-state", "2", "--run-dir", again.toString())).as(err.toString()).isZero();
    SequenceRun.Spec a = SequenceRun.readSpec(first.resolve("config.json"));
    SequenceRun.Spec b = SequenceRun.readSpec(again.resolve("config.json"));
    SequenceConfig m = a.model();
    assertThat(b.model()).isEqualTo(new SequenceConfig(m.length(), m.perToken(), m.classes(),
        m.dModel(), m.layers(), 2, m.expand(), m.dConv(), m.variants()));
    assertThat(b.train()).isEqualTo(a.train());
    assertThat(b.data()).isEqualTo(a.data());
    assertThat(b.commandLine()).contains("--config");

    String before = Files.readString(first.resolve("state.json"));
    assertThat(run("classify-sequence", "--resume", "--run-dir", first.toString(), "--d-model",
        "16", "--epochs", "1", "--lr", "2e-3")).isEqualTo(2);
    String message = err.toString().lines().findFirst().orElseThrow();
    assertThat(message).contains("--d-model 16 (the run has 8)").doesNotContain("--epochs")
        .doesNotContain("--lr ");
    assertThat(Files.readString(first.resolve("state.json"))).isEqualTo(before);
    assertThat(run("classify-sequence", "--resume", "--config",
        first.resolve("config.json").toString(), "--run-dir", first.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("give one of them");
    // Another command's config is named as the file it is, not a Java exception.
    assertThat(run("classify", "--config", first.resolve("config.json").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("--config " + first.resolve("config.json")
        + ": not a valid classify config: it has no 'preset'");
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
