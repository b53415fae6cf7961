package org.mambamixer.vision.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.awt.image.BufferedImage;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.runtime.report.Charts;
import org.mambamixer.runtime.report.Table;
import org.mambamixer.runtime.train.ClassifierConfig;
import org.mambamixer.runtime.train.InitialWeights;
import org.mambamixer.runtime.train.LrSchedule;
import org.mambamixer.runtime.train.TrainingListener;
import org.mambamixer.vision.data.Holdout;
import org.mambamixer.vision.data.ImageSource;
import org.mambamixer.vision.model.Vim2Config;
import org.mambamixer.vision.model.Vim2Summary;
import org.mambamixer.vision.train.ClassifyRun;

/**
 * {@code classify} end to end on a tiny synthetic Fashion-MNIST-layout dataset (8 x 8 IDX images,
 * so vim2-tiny-28 runs at 4 x 4 and 2 x 2 tokens) with the reference scan.
 */
class ClassifyCommandTest {
  @TempDir static Path data;

  private static final List<String> SMALL = List.of("--dataset", "fashion-mnist", "--data-dir",
      "DATA", "--model", "vim2-tiny-28", "--max-batches", "2", "--batch-size", "4", "--val-size",
      "4", "--scan", "reference");

  @BeforeAll
  static void writeDataset() throws IOException {
    Path dir = Files.createDirectories(data.resolve("fashion-mnist"));
    writeSplit(dir, "train", 24, 1);
    writeSplit(dir, "t10k", 10, 2);
  }

  /** Class k: a bright k-th pixel row or column (k < 8 rows, 8 and 9 two columns), plus noise. */
  static void writeSplit(Path dir, String split, int n, long seed) throws IOException {
    Random r = new Random(seed);
    byte[] pixels = new byte[n * 64];
    byte[] labels = new byte[n];
    for (int i = 0; i < n; i++) {
      int k = i % 10;
      labels[i] = (byte) k;
      for (int y = 0; y < 8; y++) {
        for (int x = 0; x < 8; x++) {
          boolean on = k < 8 ? y == k : x == k - 6;
          pixels[i * 64 + y * 8 + x] = (byte) Math.min(255, (on ? 200 : 20) + r.nextInt(40));
        }
      }
    }
    try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(
        Files.newOutputStream(dir.resolve(split + "-images-idx3-ubyte.gz"))))) {
      out.writeInt(0x803);
      out.writeInt(n);
      out.writeInt(8);
      out.writeInt(8);
      out.write(pixels);
    }
    try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(
        Files.newOutputStream(dir.resolve(split + "-labels-idx1-ubyte.gz"))))) {
      out.writeInt(0x801);
      out.writeInt(n);
      out.write(labels);
    }
  }

  private static String[] args(Path runDir, int epochs, String... more) {
    List<String> a = new java.util.ArrayList<>(List.of("classify"));
    SMALL.forEach(s -> a.add(s.equals("DATA") ? data.toString() : s));
    a.addAll(List.of("--epochs", Integer.toString(epochs), "--run-dir", runDir.toString()));
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }

  @Test
  void trainsAndWritesEveryFileOfTheRunDirectory(@TempDir Path tmp) throws Exception {
    Path run = tmp.resolve("run");
    Launcher l = new Launcher();
    assertThat(l.run(args(run, 1))).as(l.err.toString()).isEqualTo(0);
    for (String f : List.of("config.json", "metrics.csv", "batch_loss.csv", "state.json",
        "results.csv", "results.md", "confusion.csv", "confusion.png", "loss.png")) {
      assertThat(run.resolve(f)).as(f).isRegularFile();
    }
    for (String c : List.of("best", "last")) {
      Path cp = run.resolve("checkpoint").resolve(c);
      assertThat(cp.resolve("manifest.json")).isRegularFile();
      assertThat(cp.resolve("optimizer.bin")).isRegularFile();
      try (var files = Files.list(cp)) {
        assertThat(files.map(p -> p.getFileName().toString()))
            .anyMatch(n -> n.matches("vim2-\\d{4}\\.params"));
      }
    }
    Table results = Table.readCsv(run.resolve("results.csv"));
    assertThat(results.columns().subList(0, 7))
        .containsExactly("dataset", "model", "params", "epochs", "top1", "top5", "seconds");
    assertThat(results.rowCount()).isEqualTo(1);
    assertThat(results.get(0, "dataset")).isEqualTo("fashion-mnist");
    assertThat(results.get(0, "model")).isEqualTo("vim2-tiny-28");
    Vim2Config atData = Vim2Config.TINY_28.withImage(8, 1, 10);
    assertThat(((Number) results.get(0, "params")).longValue())
        .isEqualTo(Vim2Summary.total(atData));
    assertThat(((Number) results.get(0, "epochs")).intValue()).isEqualTo(1);
    double top1 = ((Number) results.get(0, "top1")).doubleValue();
    double top5 = ((Number) results.get(0, "top5")).doubleValue();
    assertThat(top1).isBetween(0.0, 1.0);
    assertThat(top5).isBetween(top1, 1.0);
    assertThat(top1 * 10).isCloseTo(Math.rint(top1 * 10), org.assertj.core.data.Offset.offset(1e-9));

    Table confusion = Table.readCsv(run.resolve("confusion.csv"));
    assertThat(confusion.rowCount()).isEqualTo(10);
    double total = 0;
    double diagonal = 0;
    for (int i = 0; i < 10; i++) {
      String cls = confusion.columns().get(i + 1);
      for (String col : confusion.columns().subList(1, 11)) {
        double v = ((Number) confusion.get(i, col)).doubleValue();
        total += v;
        diagonal += col.equals(cls) ? v : 0;
      }
    }
    assertThat(total).isEqualTo(10); // every test image once
    assertThat(diagonal / total).isEqualTo(top1);

    assertThat(Table.readCsv(run.resolve("metrics.csv")).rowCount()).isEqualTo(1);
    assertThat(Table.readCsv(run.resolve("batch_loss.csv")).rowCount()).isEqualTo(2);
    for (String png : List.of("loss.png", "confusion.png")) {
      BufferedImage img = ImageIO.read(run.resolve(png).toFile());
      assertThat(img.getWidth()).as(png).isGreaterThan(300);
    }
    // Beside the training loss, loss.png draws the validation curve in the second series' hue
    // (translucent: blended with the white behind it).
    java.awt.Color second = Charts.line("", "", "").getStyler().getSeriesColors()[1];
    float hue = java.awt.Color.RGBtoHSB(second.getRed(), second.getGreen(), second.getBlue(),
        null)[0];
    BufferedImage loss = ImageIO.read(run.resolve("loss.png").toFile());
    assertThat(java.util.stream.IntStream.range(0, loss.getWidth() * loss.getHeight())
        .mapToObj(i -> new java.awt.Color(loss.getRGB(i % loss.getWidth(), i / loss.getWidth())))
        .map(c -> java.awt.Color.RGBtoHSB(c.getRed(), c.getGreen(), c.getBlue(), null))
        .anyMatch(hsb -> hsb[1] > 0.5 && Math.abs(hsb[0] - hue) < 0.02)).isTrue();

    JsonObject cfg = new Gson().fromJson(Files.readString(run.resolve("config.json")),
        JsonObject.class);
    assertThat(cfg.get("preset").getAsString()).isEqualTo("vim2-tiny-28");
    assertThat(cfg.getAsJsonObject("model").get("imageSize").getAsInt()).isEqualTo(8);
    assertThat(cfg.getAsJsonObject("model").getAsJsonArray("widths").toString())
        .isEqualTo("[32,64]");
    assertThat(cfg.getAsJsonObject("variants").get("tokenMixer").getAsString())
        .isEqualTo("cross-scan");
    assertThat(cfg.getAsJsonObject("variants").get("channelMixer").getAsString())
        .isEqualTo("lifted");
    assertThat(cfg.get("scan").getAsString()).isEqualTo("reference");
    assertThat(cfg.getAsJsonObject("train").get("epochs").getAsInt()).isEqualTo(1);
    assertThat(cfg.get("val_size").getAsInt()).isEqualTo(4);
    assertThat(cfg.get("command").getAsString()).startsWith("mambamixer classify --dataset");
    ClassifyRun.Spec back = ClassifyRun.readSpec(run.resolve("config.json"));
    assertThat(back.model()).isEqualTo(atData);
    assertThat(l.out.toString()).contains("test top-1").contains("| fashion-mnist |");
  }

  /**
   * A run killed in the middle of its second epoch and resumed through the command ends with the
   * numbers of an uninterrupted run: it continues at the resume point inside the epoch, with the
   * same shuffle, augmentation and optimizer moments.
   */
  @Test
  void aResumedRunContinuesInsideTheEpochAndMatchesAnUninterruptedOne(@TempDir Path tmp)
      throws Exception {
    Path whole = tmp.resolve("whole");
    assertThat(new Launcher().run(args(whole, 2))).isEqualTo(0);

    Path cut = tmp.resolve("cut");
    ClassifyRun.Spec spec = ClassifyRun.readSpec(whole.resolve("config.json"));
    ImageSource.Splits splits = ImageSource.FASHION_MNIST.load(data, 0);
    Holdout held = Holdout.of(splits.train(), spec.valSize(), spec.train().seed());
    Launcher first = new Launcher();
    Variants variants = first.injector.getInstance(Variants.class);
    ClassifyRun.Data images = new ClassifyRun.Data(held.train(), held.val(), splits.test(),
        ImageSource.FASHION_MNIST.normalization(splits), ImageSource.FASHION_MNIST.augmentation());
    // Killed at epoch 1's second batch (its resume point, after batch 1, has no validation yet),
    // resumed and killed again at epoch 2's second batch: the resume point is epoch 2, batch 1.
    assertThatThrownBy(() -> killedAt(variants, 2).execute(spec, images, cut, false))
        .hasMessage("killed");
    assertThat(Table.readCsv(cut.resolve("batch_loss.csv")).rowCount()).isEqualTo(1);
    assertThatThrownBy(() -> killedAt(variants, 3).execute(spec, images, cut, true))
        .hasMessage("killed");
    assertThat(Table.readCsv(cut.resolve("metrics.csv")).rowCount()).isEqualTo(1);
    assertThat(cut.resolve("results.csv")).doesNotExist();

    Launcher resumed = new Launcher();
    assertThat(resumed.run("classify", "--resume", "--run-dir", cut.toString()))
        .as(resumed.err.toString()).isEqualTo(0);
    assertThat(resumed.out.toString()).contains("resuming " + cut + " after epoch 1 and 1 batches");
    Table a = Table.readCsv(whole.resolve("metrics.csv"));
    Table b = Table.readCsv(cut.resolve("metrics.csv"));
    assertThat(b.rowCount()).isEqualTo(2);
    for (String col : List.of("lr", "train_loss", "val_top1", "val_top5")) {
      assertThat(b.doubles(col)).as(col).containsExactly(a.doubles(col));
    }
    assertThat(Table.readCsv(cut.resolve("batch_loss.csv")).doubles("loss"))
        .containsExactly(Table.readCsv(whole.resolve("batch_loss.csv")).doubles("loss"));
    Table ra = Table.readCsv(whole.resolve("results.csv"));
    Table rb = Table.readCsv(cut.resolve("results.csv"));
    for (String col : List.of("top1", "top5", "epochs", "best_epoch")) {
      assertThat(rb.get(0, col)).as(col).isEqualTo(ra.get(0, col));
    }
  }

  /** ViM2 has no dropout, so recomputed activations change only the order of sums. */
  @Test
  void recomputeTrainsLikeKeptActivations(@TempDir Path tmp) throws Exception {
    Path kept = tmp.resolve("kept");
    Path recomputed = tmp.resolve("recomputed");
    assertThat(new Launcher().run(args(kept, 1))).isEqualTo(0);
    Launcher l = new Launcher();
    assertThat(l.run(args(recomputed, 1, "--recompute"))).as(l.err.toString()).isEqualTo(0);
    assertThat(Files.readString(recomputed.resolve("config.json")))
        .contains("\"recompute\": true");
    double[] a = Table.readCsv(kept.resolve("batch_loss.csv")).doubles("loss");
    double[] b = Table.readCsv(recomputed.resolve("batch_loss.csv")).doubles("loss");
    assertThat(b).hasSameSizeAs(a);
    for (int i = 0; i < a.length; i++) {
      assertThat(b[i]).as("loss of batch %d", i + 1).isCloseTo(a[i], within(1e-5));
    }
  }

  /**
   * Two epochs of two batches without warm-up. Per epoch the first two updates are at the peak;
   * per batch the second is already on the cosine. A batch's loss comes before its own update, so
   * the first two losses agree and the third does not. The choice and the recipe's other flags
   * are recorded in config.json.
   */
  @Test
  void theLearningRateMovesEveryBatchWhenAsked(@TempDir Path tmp) throws Exception {
    Path smoothed = tmp.resolve("default-smoothing");
    Path epoch = tmp.resolve("epoch");
    Path batch = tmp.resolve("batch");
    assertThat(new Launcher().run(args(smoothed, 2, "--lr", "0.05", "--warmup-epochs", "0")))
        .isEqualTo(0);
    assertThat(new Launcher().run(args(epoch, 2, "--lr", "0.05", "--warmup-epochs", "0",
        "--label-smoothing", "0.2"))).isEqualTo(0);
    Launcher l = new Launcher();
    assertThat(l.run(args(batch, 2, "--lr", "0.05", "--warmup-epochs", "0", "--label-smoothing",
        "0.2", "--lr-update", "batch", "--min-lr", "0"))).as(l.err.toString()).isEqualTo(0);
    double[] s = Table.readCsv(smoothed.resolve("batch_loss.csv")).doubles("loss");
    double[] e = Table.readCsv(epoch.resolve("batch_loss.csv")).doubles("loss");
    double[] b = Table.readCsv(batch.resolve("batch_loss.csv")).doubles("loss");
    assertThat(b).hasSize(4);
    assertThat(b[0]).isEqualTo(e[0]);
    assertThat(b[1]).isEqualTo(e[1]);
    assertThat(Math.abs(b[2] - e[2])).as("the third batch's loss, after a smaller second step")
        .isGreaterThan(1e-4);
    assertThat(e[0]).as("--label-smoothing reaches the loss").isNotEqualTo(s[0]);

    ClassifierConfig t = ClassifyRun.readSpec(batch.resolve("config.json")).train();
    assertThat(t.lrUpdate()).isEqualTo(LrSchedule.Update.BATCH);
    assertThat(t.minLr()).isEqualTo(0f);
    assertThat(t.labelSmoothing()).isEqualTo(0.2f);
    assertThat(Files.readString(batch.resolve("config.json"))).contains("\"lrUpdate\": \"BATCH\"");
    // The rate of each epoch's first batch: the peak, then half-way down the four updates.
    assertThat(Table.readCsv(batch.resolve("metrics.csv")).doubles("lr"))
        .containsExactly(new double[] {0.05, 0.025}, within(1e-9));
  }

  /**
   * A run started from another's best checkpoint records it (path and manifest hash) and trains
   * from its weights: with the same seed and shuffle, its first batch's loss is not the fresh
   * initialisation's. A model that does not match, a folder that is neither a run nor a
   * checkpoint, a changed checkpoint and a resume with other initial weights are all refused.
   */
  @Test
  void aRunStartsFromTheWeightsOfAnotherRun(@TempDir Path tmp) throws Exception {
    Path first = tmp.resolve("first");
    Path second = tmp.resolve("second");
    assertThat(new Launcher().run(args(first, 1, "--lr", "0.05"))).isEqualTo(0);
    Launcher l = new Launcher();
    assertThat(l.run(args(second, 1, "--init-from", first.toString())))
        .as(l.err.toString()).isEqualTo(0);
    assertThat(l.out.toString()).contains("starting from the weights of "
        + first.resolve("checkpoint/best").toAbsolutePath());
    InitialWeights init = ClassifyRun.readSpec(second.resolve("config.json")).init();
    assertThat(init.checkpoint()).isEqualTo(first.resolve("checkpoint/best").toAbsolutePath()
        .toString());
    assertThat(init.manifestSha256()).hasSize(64);
    double[] a = Table.readCsv(first.resolve("batch_loss.csv")).doubles("loss");
    double[] b = Table.readCsv(second.resolve("batch_loss.csv")).doubles("loss");
    assertThat(Math.abs(a[0] - b[0])).as("the first loss, from trained weights").isGreaterThan(1e-3);

    Launcher wide = new Launcher();
    assertThat(wide.run(args(tmp.resolve("wide"), 1, "--widths", "16,32", "--init-from",
        first.toString()))).isEqualTo(2);
    assertThat(wide.err.toString()).contains("--init-from " + first).contains("is not this run's");
    Launcher nowhere = new Launcher();
    assertThat(nowhere.run(args(tmp.resolve("nowhere"), 1, "--init-from", tmp.toString())))
        .isEqualTo(2);
    assertThat(nowhere.err.toString()).contains("neither a classify run directory");
    Launcher other = new Launcher();
    assertThat(other.run("classify", "--resume", "--run-dir", second.toString(), "--init-from",
        second.toString())).isEqualTo(2);
    assertThat(other.err.toString()).contains("--init-from " + second.resolve("checkpoint/best"))
        .contains("(the run has " + first.resolve("checkpoint/best").toAbsolutePath());

    // The checkpoint changes (here: the first run trains again into it): a rebuilt run refuses it.
    Files.writeString(first.resolve("checkpoint/best/manifest.json"),
        Files.readString(first.resolve("checkpoint/best/manifest.json")) + " ");
    Path rebuilt = tmp.resolve("rebuilt");
    Files.createDirectories(rebuilt);
    Files.copy(second.resolve("config.json"), rebuilt.resolve("config.json"));
    Launcher stale = new Launcher();
    assertThat(stale.run("classify", "--resume", "--run-dir", rebuilt.toString())).isEqualTo(1);
    assertThat(stale.err.toString()).contains("has changed since the run started");
  }

  @Test
  void averageWeightsMakesOneModelOfTwoRunsAndRebuildsItFromItsConfig(@TempDir Path tmp)
      throws Exception {
    Path first = tmp.resolve("first");
    Path second = tmp.resolve("second");
    assertThat(new Launcher().run(args(first, 1, "--lr", "0.05"))).isEqualTo(0);
    assertThat(new Launcher().run(args(second, 1, "--init-from", first.toString())))
        .isEqualTo(0);
    Path avg = tmp.resolve("avg");
    Launcher l = new Launcher();
    assertThat(l.run("average-weights", first.toString(), second.toString(), "--run-dir",
        avg.toString(), "--scan", "reference")).as(l.err.toString()).isEqualTo(0);
    for (String f : List.of("config.json", "results.csv", "results.md", "confusion.csv",
        "confusion.png", "checkpoint/best/manifest.json")) {
      assertThat(avg.resolve(f)).as(f).isRegularFile();
    }
    assertThat(avg.resolve("checkpoint/best/optimizer.bin")).doesNotExist();
    Table results = Table.readCsv(avg.resolve("results.csv"));
    assertThat(results.rowCount()).isEqualTo(3);
    assertThat(results.get(0, "weights")).isEqualTo(first.toAbsolutePath().toString());
    assertThat(results.get(1, "top1"))
        .isEqualTo(Table.readCsv(second.resolve("results.csv")).get(0, "top1"));
    assertThat(results.get(2, "weights")).isEqualTo("average of 2");
    double top1 = ((Number) results.get(2, "top1")).doubleValue();
    assertThat(top1 * 10).isCloseTo(Math.rint(top1 * 10), within(1e-9)); // of 10 test images
    JsonObject cfg = new Gson().fromJson(Files.readString(avg.resolve("config.json")),
        JsonObject.class);
    assertThat(cfg.getAsJsonArray("average")).hasSize(2);
    assertThat(cfg.getAsJsonArray("average").get(1).getAsJsonObject().get("checkpoint")
        .getAsString()).isEqualTo(second.resolve("checkpoint/best").toAbsolutePath().toString());
    assertThat(cfg.get("seed").getAsLong()).isEqualTo(2021);

    // Rebuilt from its config.json alone: the same numbers.
    Path rebuilt = Files.createDirectories(tmp.resolve("rebuilt"));
    Files.copy(avg.resolve("config.json"), rebuilt.resolve("config.json"));
    Launcher again = new Launcher();
    assertThat(again.run("average-weights", "--run-dir", rebuilt.toString(), "--scan",
        "reference")).as(again.err.toString()).isEqualTo(0);
    Table back = Table.readCsv(rebuilt.resolve("results.csv"));
    for (String c : List.of("weights", "top1", "top5", "val_top1")) {
      assertThat(back.get(2, c)).as(c).isEqualTo(results.get(2, c));
    }

    // A run averaged with itself is itself: its own test and validation scores, exactly.
    Path self = tmp.resolve("self");
    assertThat(new Launcher().run("average-weights", first.toString(), first.toString(),
        "--run-dir", self.toString(), "--scan", "reference")).isEqualTo(0);
    Table own = Table.readCsv(first.resolve("results.csv"));
    Table twice = Table.readCsv(self.resolve("results.csv"));
    assertThat(twice.get(2, "top1")).isEqualTo(own.get(0, "top1"));
    assertThat(twice.get(2, "top5")).isEqualTo(own.get(0, "top5"));
    assertThat(twice.get(2, "val_top1")).isEqualTo(own.get(0, "val_top1"));

    // The average is a starting point like any run.
    Path tuned = tmp.resolve("tuned");
    Launcher init = new Launcher();
    assertThat(init.run(args(tuned, 1, "--init-from", avg.toString()))).as(init.err.toString())
        .isEqualTo(0);
    assertThat(ClassifyRun.readSpec(tuned.resolve("config.json")).init().checkpoint())
        .isEqualTo(avg.resolve("checkpoint/best").toAbsolutePath().toString());
  }

  @Test
  void averageWeightsRefusesRunsThatDoNotAverage(@TempDir Path tmp) throws Exception {
    Path run = tmp.resolve("run");
    Path narrow = tmp.resolve("narrow");
    assertThat(new Launcher().run(args(run, 1))).isEqualTo(0);
    assertThat(new Launcher().run(args(narrow, 1, "--widths", "8,16"))).isEqualTo(0);
    Launcher one = new Launcher();
    assertThat(one.run("average-weights", run.toString(), "--run-dir",
        tmp.resolve("a").toString(), "--scan", "reference")).isEqualTo(2);
    assertThat(one.err.toString()).contains("at least two runs");
    Launcher other = new Launcher();
    assertThat(other.run("average-weights", run.toString(), narrow.toString(), "--run-dir",
        tmp.resolve("b").toString(), "--scan", "reference")).isEqualTo(2);
    assertThat(other.err.toString()).contains(narrow.toAbsolutePath() + " trained another model");
    Launcher missing = new Launcher();
    assertThat(missing.run("average-weights", run.toString(), tmp.resolve("nope").toString(),
        "--scan", "reference")).isEqualTo(2);
    assertThat(missing.err.toString()).contains("nope is not a classify run directory");
    Launcher none = new Launcher();
    assertThat(none.run("average-weights", "--run-dir", run.toString(), "--scan", "reference"))
        .isEqualTo(1);
    assertThat(none.err.toString()).contains(run.resolve("config.json") + " is not a run config"
        + " of ./mambamixer average-weights");
    assertThat(tmp.resolve("a")).doesNotExist();
    assertThat(tmp.resolve("b")).doesNotExist();

    // Another hold-out averages, with a warning: its run may have trained on these images.
    Path reseeded = tmp.resolve("reseeded");
    assertThat(new Launcher().run(args(reseeded, 1, "--seed", "7"))).isEqualTo(0);
    Launcher warned = new Launcher();
    assertThat(warned.run("average-weights", run.toString(), reseeded.toString(), "--run-dir",
        tmp.resolve("c").toString(), "--scan", "reference")).isEqualTo(0);
    assertThat(warned.out.toString()).contains("warning: the runs held out different images")
        .contains(run.toAbsolutePath() + "'s, which the others may have trained on");
  }

  @Test
  void evaluateClassifierScoresARunsCheckpointAgain(@TempDir Path tmp) throws Exception {
    Path run = tmp.resolve("run");
    assertThat(new Launcher().run(args(run, 1))).isEqualTo(0);
    Path csv = tmp.resolve("eval.csv");
    Launcher l = new Launcher();
    assertThat(l.run("evaluate-classifier", run.toString(), "--val", "--tta-flip", "--csv",
        csv.toString(), "--scan", "reference")).as(l.err.toString()).isEqualTo(0);
    Table t = Table.readCsv(csv);
    assertThat(t.rowCount()).isEqualTo(2);
    assertThat(t.get(0, "split")).isEqualTo("val");
    assertThat(t.get(1, "split")).isEqualTo("test");
    assertThat(t.get(1, "checkpoint")).isEqualTo("best");
    assertThat(((Number) t.get(1, "images")).intValue()).isEqualTo(10);
    // The same weights under the same protocol: the run's own numbers, exactly.
    Table own = Table.readCsv(run.resolve("results.csv"));
    assertThat(t.get(1, "top1")).isEqualTo(own.get(0, "top1"));
    assertThat(t.get(1, "top5")).isEqualTo(own.get(0, "top5"));
    assertThat(t.get(0, "top1")).isEqualTo(own.get(0, "val_top1"));
    double flip = ((Number) t.get(1, "flip_top1")).doubleValue();
    assertThat(flip * 10).isCloseTo(Math.rint(flip * 10), within(1e-9)); // of 10 test images
    assertThat(l.out.toString()).containsPattern("\\| test +\\|").contains("flip_top1");

    Launcher plain = new Launcher();
    assertThat(plain.run("evaluate-classifier", run.toString(), "--checkpoint", "last",
        "--scan", "reference")).as(plain.err.toString()).isEqualTo(0);
    assertThat(plain.out.toString()).containsPattern("\\| last +\\|")
        .doesNotContain("flip_top1");

    Launcher missing = new Launcher();
    assertThat(missing.run("evaluate-classifier", run.toString(), "--checkpoint", "epoch3",
        "--scan", "reference")).isEqualTo(2);
    assertThat(missing.err.toString()).contains("--checkpoint epoch3").contains("holds best, best-at-resume, last");
    Launcher notRun = new Launcher();
    assertThat(notRun.run("evaluate-classifier", tmp.toString(), "--scan", "reference"))
        .isEqualTo(2);
    assertThat(notRun.err.toString()).contains("is not a classify or average-weights run");
    Launcher badScan = new Launcher();
    assertThat(badScan.run("evaluate-classifier", run.toString(), "--scan", "warp")).isEqualTo(2);
    assertThat(badScan.err.toString()).contains("warp");

    // A run whose data folder has moved reads the one --data-dir names, to the same numbers.
    Path config = run.resolve("config.json");
    String moved = Files.readString(config).replace(data.toString(),
        tmp.resolve("moved-away").toString());
    assertThat(moved).contains("moved-away");
    Files.writeString(config, moved);
    Launcher elsewhere = new Launcher();
    assertThat(elsewhere.run("evaluate-classifier", run.toString(), "--data-dir",
        data.toString(), "--csv", csv.toString(), "--scan", "reference"))
        .as(elsewhere.err.toString()).isEqualTo(0);
    assertThat(Table.readCsv(csv).get(0, "top1")).isEqualTo(own.get(0, "top1"));

    // Digits are not mirror-symmetric: a model of them never saw a mirror image.
    Files.writeString(config, Files.readString(config)
        .replace("\"dataset\": \"fashion-mnist\"", "\"dataset\": \"mnist\""));
    Launcher digits = new Launcher();
    assertThat(digits.run("evaluate-classifier", run.toString(), "--tta-flip", "--scan",
        "reference")).isEqualTo(2);
    assertThat(digits.err.toString()).contains("--tta-flip: mnist trains without horizontal flips");
  }

  /** A run with a resume point after every batch that dies at its {@code call}-th batch. */
  private static ClassifyRun killedAt(Variants variants, int call) {
    int[] calls = {0};
    return new ClassifyRun(variants, variants.scan("reference"),
        new PrintWriter(new StringWriter()), 1, new TrainingListener() {
          @Override
          public void onBatchEnd(int epoch, int batch, int batches, float loss) {
            if (++calls[0] == call) {
              throw new IllegalStateException("killed");
            }
          }
        });
  }

  @Test
  void badFlagsAreUsageErrorsWithExitCodeTwo(@TempDir Path tmp) {
    List<String[]> bad = List.of(
        args(tmp.resolve("a"), 0),
        args(tmp.resolve("b"), 1, "--dataset", "imagenet-21k"),
        args(tmp.resolve("c"), 1, "--model", "vim2-huge"),
        args(tmp.resolve("d"), 1, "--skip", "nope"),
        args(tmp.resolve("e"), 1, "--token-mixer", "nope"),
        args(tmp.resolve("f"), 1, "--scan", "nope"),
        args(tmp.resolve("g"), 1, "--val-size", "24"),
        args(tmp.resolve("h"), 1, "--model", "vim2-tiny-32"), // 8 is not a multiple of 16
        args(tmp.resolve("i"), 1, "--bogus"),
        args(tmp.resolve("j"), 1, "--widths", "8"), // two stages need two widths
        args(tmp.resolve("k"), 1, "--widths", "8,0"),
        args(tmp.resolve("l"), 1, "--save-interval", "-1"),
        args(tmp.resolve("m"), 1, "--lr-update", "sometimes"),
        args(tmp.resolve("n"), 1, "--warmup-epochs", "1"), // no epoch left for the cosine
        args(tmp.resolve("o"), 1, "--label-smoothing", "1"),
        args(tmp.resolve("p"), 1, "--min-lr", "-1e-5"),
        args(tmp.resolve("q"), 1, "--min-lr", "1"), // above the peak
        new String[] {"classify", "--resume"},
        new String[] {"classify", "--epochs", "1"});
    for (String[] a : bad) {
      Launcher l = new Launcher();
      assertThat(l.run(a)).as(String.join(" ", a) + "\n" + l.err).isEqualTo(2);
      assertThat(l.err.toString()).as(String.join(" ", a)).isNotBlank();
    }
    for (String name : List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m",
        "n", "o", "p", "q")) {
      assertThat(tmp.resolve(name)).as("nothing written for a usage error").doesNotExist();
    }
  }

  @Test
  void aMissingFileIsNamedWithWhatToDownload(@TempDir Path tmp) {
    Launcher l = new Launcher();
    assertThat(l.run("classify", "--dataset", "mnist", "--data-dir", tmp.toString(), "--scan",
        "reference", "--run-dir", tmp.resolve("run").toString())).isEqualTo(1);
    assertThat(l.err.toString()).contains(tmp.resolve("mnist").resolve(
        "train-images-idx3-ubyte.gz").toString()).contains("Download").contains("MNIST");
  }

  @Test
  void aResumeWithAConflictingFlagIsRefused(@TempDir Path tmp) throws Exception {
    Path run = tmp.resolve("run");
    Files.createDirectories(run);
    Files.writeString(run.resolve("config.json"), """
        {"dataset": "fashion-mnist", "data": "%s", "val_size": 4, "preset": "vim2-tiny-28",
         "model": {"name": "vim2-tiny-28", "imageSize": 8, "inChannels": 1, "classes": 10,
           "patch": 2, "widths": [32, 64], "depths": [2, 4], "channelDepths": [1, 2],
           "expand": 2, "dState": 16, "routes": ["ROWS", "ROWS_REVERSED", "COLUMNS",
           "COLUMNS_REVERSED"], "channelFeature": 4, "channelState": 16},
         "variants": {"tokenMixer": "cross-scan", "channelMixer": "lifted", "skip": "learned",
           "norm": "layer"},
         "scan": "reference",
         "train": {"epochs": 1, "batchSize": 4, "evalBatchSize": 256, "lr": 0.001,
           "minLr": 1e-5, "warmupEpochs": 0, "weightDecay": 0.05, "labelSmoothing": 0.1,
           "seed": 2021, "maxBatchesPerEpoch": 2}}
        """.formatted(data.toString().replace("\\", "\\\\")));
    ClassifyRun.Spec spec = ClassifyRun.readSpec(run.resolve("config.json"));
    assertThat(spec.model()).isEqualTo(Vim2Config.TINY_28.withImage(8, 1, 10));
    // Written before the option existed: the run keeps the per-epoch rate it trained with.
    assertThat(spec.train().lrUpdate()).isEqualTo(LrSchedule.Update.EPOCH);
    Launcher u = new Launcher();
    assertThat(u.run("classify", "--resume", "--run-dir", run.toString(), "--lr-update", "batch"))
        .isEqualTo(2);
    assertThat(u.err.toString()).contains("--lr-update batch (the run has epoch)");
    Launcher l = new Launcher();
    assertThat(l.run("classify", "--resume", "--run-dir", run.toString(), "--epochs", "3"))
        .isEqualTo(2);
    // A classifier's cosine spans its epochs: no other number continues the same run.
    assertThat(l.err.toString()).contains("--epochs 3 (the run has 1; its learning rate's cosine"
        + " spans those epochs");
    Launcher w = new Launcher();
    assertThat(w.run("classify", "--resume", "--run-dir", run.toString(), "--widths", "16,32"))
        .isEqualTo(2);
    assertThat(w.err.toString()).contains("--widths [16, 32] (the run has [32, 64])");
    Launcher elsewhere = new Launcher();
    assertThat(elsewhere.run("classify", "--resume", "--run-dir", run.toString(), "--data-dir",
        tmp.toString())).isEqualTo(2);
    assertThat(elsewhere.err.toString()).contains("--data-dir " + tmp + " (the run has " + data);
  }

  /**
   * The data folder is a place, not a spelling: a run started with a relative --data-dir records
   * the absolute path (so it resumes from any working directory), and resumes with another
   * spelling of the same folder.
   */
  @Test
  void aResumeNamesTheDataFolderInAnySpelling(@TempDir Path tmp) throws Exception {
    Path run = tmp.resolve("run");
    Path relative = Path.of("").toAbsolutePath().relativize(data);
    Launcher l = new Launcher();
    List<String> first = new java.util.ArrayList<>(List.of(args(run, 1)));
    first.set(first.indexOf(data.toString()), relative.toString());
    assertThat(l.run(first.toArray(String[]::new))).as(l.err.toString()).isEqualTo(0);
    assertThat(ClassifyRun.readSpec(run.resolve("config.json")).data())
        .isEqualTo(data.toAbsolutePath().normalize().toString());
    // Finished runs resume to their end at once; what matters is that the flag is accepted.
    Launcher again = new Launcher();
    assertThat(again.run("classify", "--resume", "--run-dir", run.toString(), "--data-dir",
        "./" + relative)).as(again.err.toString()).isEqualTo(0);
  }

  @Test
  void widthsReplaceThePresetsAndAreRecorded(@TempDir Path tmp) throws Exception {
    Path run = tmp.resolve("run");
    Launcher l = new Launcher();
    assertThat(l.run(args(run, 1, "--widths", "8,16"))).as(l.err.toString()).isEqualTo(0);
    ClassifyRun.Spec spec = ClassifyRun.readSpec(run.resolve("config.json"));
    assertThat(spec.model().widths()).containsExactly(8, 16);
    assertThat(spec.preset()).isEqualTo("vim2-tiny-28");
  }

  /**
   * n PNGs per class in {@code dir/<class>/}: "top" bright in its upper half, "bottom" in its
   * lower half, side x side, RGB with a little noise.
   */
  private static void writeClasses(Path dir, int n, int side, long seed) throws IOException {
    Random r = new Random(seed);
    for (String c : List.of("bottom", "top")) {
      Files.createDirectories(dir.resolve(c));
      for (int i = 0; i < n; i++) {
        BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < side; y++) {
          for (int x = 0; x < side; x++) {
            int v = ((y < side / 2) == c.equals("top") ? 200 : 30) + r.nextInt(40);
            img.setRGB(x, y, v << 16 | v << 8 | v / 2);
          }
        }
        ImageIO.write(img, "png", dir.resolve(c).resolve(i + ".png").toFile());
      }
    }
  }

  @Test
  void aFolderOfImagesTrainsAtItsOwnSizeOrAGivenOneAndResumes(@TempDir Path tmp)
      throws Exception {
    Path own = tmp.resolve("images");
    writeClasses(own.resolve("train"), 12, 16, 1);
    writeClasses(own.resolve("test"), 3, 16, 2);
    List<String> small = List.of("--model", "vim2-tiny-32", "--max-batches", "2",
        "--batch-size", "4", "--val-size", "4", "--scan", "reference", "--epochs", "1");
    Path run = tmp.resolve("run");
    Launcher l = new Launcher();
    List<String> a = new java.util.ArrayList<>(List.of("classify", "--dataset", "folder",
        "--data-dir", own.toString(), "--run-dir", run.toString()));
    a.addAll(small);
    assertThat(l.run(a.toArray(String[]::new))).as(l.err.toString()).isZero();
    Table results = Table.readCsv(run.resolve("results.csv"));
    assertThat(results.get(0, "dataset")).isEqualTo("folder");
    ClassifyRun.Spec spec = ClassifyRun.readSpec(run.resolve("config.json"));
    assertThat(spec.dataset()).isEqualTo("folder");
    assertThat(Path.of(spec.data())).isEqualTo(own.toAbsolutePath());
    assertThat(List.of(spec.model().imageSize(), spec.model().inChannels(),
        spec.model().classes())).containsExactly(16, 3, 2);
    assertThat(run.resolve("confusion.csv")).isRegularFile();
    assertThat(Files.readString(run.resolve("confusion.csv"))).contains("bottom", "top");
    // The run recorded its size: a resume at another is refused, naming the flag.
    Launcher again = new Launcher();
    assertThat(again.run("classify", "--run-dir", run.toString(), "--resume", "--image-size",
        "8")).isEqualTo(2);
    assertThat(again.err.toString()).contains("--image-size");

    // Without test/, a seeded fifth of train/ is the test split; --image-size resizes.
    Path heldOut = tmp.resolve("held-out");
    writeClasses(heldOut.resolve("train"), 10, 24, 3);
    ImageSource.Splits s = ImageSource.FOLDER.load(heldOut, 8);
    assertThat(List.of(s.train().size(), s.test().size())).containsExactly(16, 4);
    assertThat(s.test().height()).isEqualTo(8);
    assertThat(ImageSource.FOLDER.load(heldOut, 8).test().labels())
        .containsExactly(s.test().labels()); // the same images every time
    // Its own statistics: half of each image about 220, half about 50 (blue at half of that).
    float[] mean = ImageSource.FOLDER.normalization(s).mean();
    assertThat(mean[0]).isCloseTo(135 / 255f, within(0.03f));
    assertThat(mean[2]).isCloseTo(67 / 255f, within(0.03f));
  }

  @Test
  void folderUsageErrors(@TempDir Path tmp) throws Exception {
    Path mixed = tmp.resolve("mixed");
    writeClasses(mixed.resolve("train"), 3, 16, 1);
    ImageIO.write(new BufferedImage(12, 12, BufferedImage.TYPE_INT_RGB), "png",
        mixed.resolve("train/top/odd.png").toFile());
    Launcher l = new Launcher();
    assertThat(l.run("classify", "--dataset", "folder", "--scan", "reference")).isEqualTo(2);
    assertThat(l.err.toString()).contains("--dataset folder reads your images from --data-dir");
    Launcher sized = new Launcher();
    assertThat(sized.run("classify", "--dataset", "fashion-mnist", "--data-dir",
        data.toString(), "--image-size", "16", "--scan", "reference")).isEqualTo(2);
    assertThat(sized.err.toString()).contains("--image-size resizes --dataset folder only");
    Launcher odd = new Launcher();
    assertThat(odd.run("classify", "--dataset", "folder", "--data-dir", mixed.toString(),
        "--run-dir", tmp.resolve("run").toString(), "--scan", "reference")).isEqualTo(1);
    assertThat(odd.err.toString()).contains("odd.png is 12 x 12")
        .contains("need an image size");
    Launcher missing = new Launcher();
    assertThat(missing.run("classify", "--dataset", "folder", "--data-dir",
        tmp.resolve("nothing").toString(), "--scan", "reference")).isEqualTo(1);
    assertThat(missing.err.toString()).contains("folder: missing " + tmp.resolve("nothing/train"));
  }
}
