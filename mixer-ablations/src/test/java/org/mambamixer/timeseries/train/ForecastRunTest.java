package org.mambamixer.timeseries.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mambamixer.runtime.train.TrainingListener;
import org.mambamixer.ablations.Assembled;
import org.mambamixer.api.block.MixerChoice;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.timeseries.data.NaiveForecast;
import org.mambamixer.api.scan.SelectiveScan;
import org.junit.jupiter.api.io.TempDir;
import org.mambamixer.runtime.report.Table;
import org.mambamixer.runtime.train.Stop;
import org.mambamixer.timeseries.data.ForecastData;
import org.mambamixer.timeseries.model.Tsm2Config;

/** Run directories: contents, reproducibility with a seed, and resuming a killed run. */
class ForecastRunTest {
  private static final Variants VARIANTS = Assembled.variants();
  private static final Tsm2Config MODEL = new Tsm2Config(48, 12, 3, 8, 4, true, 8, 1, 2, 4, 2,
      0.1f, true, MixerChoice.DEFAULT, Tsm2Config.Exogenous.NONE);
  private static final TrainConfig TRAIN =
      new TrainConfig(2, 16, 64, 3e-3f, 1e-4f, 0, 0.01f, 5, 6, 7);

  @TempDir
  static Path tmp;
  private static ForecastData data;

  /** Three noisy sines with different periods, 700 hourly rows. */
  @BeforeAll
  static void writeSeries() throws IOException {
    Path csv = tmp.resolve("sines.csv");
    StringBuilder sb = new StringBuilder("date,a,b,c\n");
    Random rnd = new Random(1);
    for (int t = 0; t < 700; t++) {
      sb.append(String.format(Locale.ROOT, "2020-01-%02d %02d:00:00,%.4f,%.4f,%.4f%n",
          1 + t / 24, t % 24, Math.sin(t / 4.0) + 0.1 * rnd.nextGaussian(),
          Math.cos(t / 7.0) + 0.1 * rnd.nextGaussian(), Math.sin(t / 11.0) * 2));
    }
    Files.writeString(csv, sb.toString());
    data = ForecastData.load(csv, MODEL.lookback(), MODEL.horizon(), TRAIN.batchSize(), TRAIN.seed());
  }

  /** Hears of every training batch; may throw to kill the run there. */
  private interface Observer {
    void batch(int index, int batches, float loss);
  }

  private static ForecastRun.Outcome run(Path dir, boolean resume, Observer obs)
      throws IOException {
    return run(TRAIN, dir, resume, obs);
  }

  private static ForecastRun.Outcome run(TrainConfig train, Path dir, boolean resume,
      Observer obs) throws IOException {
    // Resume points at validations only, so a killed run restarts where the test expects.
    ForecastRun r = new ForecastRun(Assembled.catalog(), VARIANTS.scan("cpu"),
        new PrintWriter(new ByteArrayOutputStream()), 0, new TrainingListener() {
          @Override
          public void onBatchEnd(int epoch, int batch, int batches, float loss) {
            obs.batch(batch, batches, loss);
          }
        });
    return r.execute(new ForecastRun.Spec("sines", MODEL, train, "sines.csv", 1, "cpu", "test", "",
        "tsm2"), data.train(), data.val(), data.test(), dir, resume);
  }

  @Test
  void writesTheRunDirectoryAndRepeatsWithTheSameSeed() throws IOException {
    ForecastRun.Outcome a = run(tmp.resolve("a"), false, (b, n, l) -> { });
    ForecastRun.Outcome b = run(tmp.resolve("b"), false, (x, n, l) -> { });
    assertThat(b.mse()).isEqualTo(a.mse());
    assertThat(b.mae()).isEqualTo(a.mae());
    for (String f : new String[] {"config.json", "metrics.csv", "results.csv", "results.md",
        "horizon_mse.csv", "loss.png", "forecast.png", "state.json"}) {
      assertThat(tmp.resolve("a").resolve(f)).as(f).isNotEmptyFile();
    }
    // Checkpoints: DJL's own params file (epoch in the name), the optimizer state, a manifest.
    try (var files = java.nio.file.Files.list(tmp.resolve("a/checkpoint/last"))) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .containsExactlyInAnyOrder("tsm2-0002.params", "optimizer.bin", "manifest.json");
    }
    Table results = Table.readCsv(tmp.resolve("a/results.csv"));
    assertThat(results.columns().subList(0, 7))
        .containsExactly("dataset", "lookback", "horizon", "mse", "mae", "epochs", "seconds");
    assertThat(results.doubles("mse")[0]).isEqualTo(a.mse());
    assertThat(Table.readCsv(tmp.resolve("a/metrics.csv")).rowCount()).isEqualTo(2);
    NaiveForecast.Result naive = NaiveForecast.evaluate(data.test());
    // Measured: TSM2 MSE 0.70 / MAE 0.70 against naive 1.16 / 0.83 on these windows. Two short
    // epochs learn the sines well enough to beat repeating the last value by a clear margin.
    assertThat(a.mse()).as("TSM2 test MSE vs naive %s", naive.mse())
        .isLessThan(0.8 * naive.mse());
    assertThat(a.mae()).as("TSM2 test MAE vs naive %s", naive.mae()).isLessThan(naive.mae());
  }

  @Test
  void aResumedRunEndsExactlyLikeAnUninterruptedOne() throws IOException {
    ForecastRun.Outcome straight = run(tmp.resolve("straight"), false, (b, n, l) -> { });
    AtomicInteger calls = new AtomicInteger();
    Path killed = tmp.resolve("killed");
    assertThatThrownBy(() -> run(killed, false, (b, n, l) -> {
      if (calls.incrementAndGet() == TRAIN.maxBatchesPerEpoch() + 2) {
        throw new IllegalStateException("killed");
      }
    })).hasMessage("killed");
    assertThatThrownBy(() -> run(killed, false, (b, n, l) -> { }))
        .hasMessageContaining("--resume");
    ForecastRun.Outcome resumed = run(killed, true, (b, n, l) -> { });
    assertThat(resumed.mse()).isEqualTo(straight.mse());
    assertThat(Table.readCsv(killed.resolve("metrics.csv")).rowCount()).isEqualTo(2);
  }

  @Test
  void validatesInsideTheEpochAndResumesFromTheLastValidationExactly() throws IOException {
    // 6 batches per epoch, validation after batches 4 and 6: two rows per epoch.
    TrainConfig every4 = TRAIN.withValInterval(4).withEpochs(3);
    ForecastRun.Outcome straight = run(every4, tmp.resolve("v-straight"), false, (b, n, l) -> { });
    Table rows = Table.readCsv(tmp.resolve("v-straight/metrics.csv"));
    assertThat(rows.rowCount()).isEqualTo(6);
    assertThat(rows.doubles("epoch")).containsExactly(0.667, 1.0, 1.667, 2.0, 2.667, 3.0);
    // The first validation comes after batch 4 of epoch 1: no end-of-epoch run can see it.
    assertThat(rows.doubles("val_mse")[0]).isNotEqualTo(rows.doubles("val_mse")[1]);

    AtomicInteger calls = new AtomicInteger();
    Path killed = tmp.resolve("v-killed");
    assertThatThrownBy(() -> run(every4, killed, false, (b, n, l) -> {
      if (calls.incrementAndGet() == 6 + 5) { // epoch 2, after its first validation
        throw new IllegalStateException("killed");
      }
    })).hasMessage("killed");
    assertThat(Table.readCsv(killed.resolve("metrics.csv")).rowCount()).isEqualTo(3);
    // The resume point is epoch 2's validation after batch 4: the run goes on from batch 5.
    List<Integer> trained = new ArrayList<>();
    ForecastRun.Outcome resumed = run(every4, killed, true, (b, n, l) -> trained.add(b));
    assertThat(trained).containsExactly(4, 5, 0, 1, 2, 3, 4, 5);
    assertThat(resumed.mse()).isEqualTo(straight.mse());
    assertThat(resumed.bestEpoch()).isEqualTo(straight.bestEpoch());
    assertThat(Table.readCsv(killed.resolve("metrics.csv")).doubles("val_mse"))
        .containsExactly(rows.doubles("val_mse"));
  }

  /**
   * A stop request (what SIGTERM sets) during a batch ends the run before the next one: the
   * resume point is the one written before, and the resumed run ends like an uninterrupted one.
   */
  @Test
  void aStopRequestEndsTheRunAtTheNextBatchWithItsResumePointIntact() throws IOException {
    TrainConfig every4 = TRAIN.withValInterval(4).withEpochs(3);
    ForecastRun.Outcome straight = run(every4, tmp.resolve("s-straight"), false, (b, n, l) -> { });
    Path stopped = tmp.resolve("s-stopped");
    List<Integer> trained = new ArrayList<>();
    String[] atRequest = new String[1];
    try {
      assertThatThrownBy(() -> run(every4, stopped, false, (b, n, l) -> {
        trained.add(b);
        if (trained.size() == 6 + 5) { // epoch 2, batch 5: after the validation at batch 4
          try {
            atRequest[0] = Files.readString(stopped.resolve("state.json"));
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
          Stop.request("SIGTERM", 143);
        }
      })).isInstanceOfSatisfying(Stop.Stopped.class, s -> assertThat(s.exitCode()).isEqualTo(143))
          .hasMessageStartingWith("stopped by SIGTERM before batch 6 of epoch 2");
    } finally {
      Stop.clear();
    }
    assertThat(trained).hasSize(6 + 5);
    assertThat(Files.readString(stopped.resolve("state.json"))).isEqualTo(atRequest[0]);
    assertThat(Table.readCsv(stopped.resolve("metrics.csv")).rowCount()).isEqualTo(3);
    ForecastRun.Outcome resumed = run(every4, stopped, true, (b, n, l) -> { });
    assertThat(resumed.mse()).isEqualTo(straight.mse());
  }

  @Test
  void aRecomputedRunIsSeededAndResumesExactly() throws IOException {
    // Recomputation draws one engine seed per sublayer, so dropout outside the sublayers (the
    // embedding's, the head's) takes other masks than without it; resume must replay them too.
    TrainConfig rc = TRAIN.withValInterval(4).withRecompute(true);
    ForecastRun.Outcome straight = run(rc, tmp.resolve("r-straight"), false, (b, n, l) -> { });
    ForecastRun.Outcome plain = run(rc.withRecompute(false), tmp.resolve("r-plain"), false,
        (b, n, l) -> { });
    assertThat(straight.mse()).isNotEqualTo(plain.mse()).isCloseTo(plain.mse(), within(0.05));
    AtomicInteger calls = new AtomicInteger();
    Path killed = tmp.resolve("r-killed");
    assertThatThrownBy(() -> run(rc, killed, false, (b, n, l) -> {
      if (calls.incrementAndGet() == 6 + 5) {
        throw new IllegalStateException("killed");
      }
    })).hasMessage("killed");
    assertThat(run(rc, killed, true, (b, n, l) -> { }).mse()).isEqualTo(straight.mse());
  }

  @Test
  void patienceCountsValidationsAndCanStopInsideAnEpoch() throws IOException {
    // At a learning rate of 1e-30 no float32 weight moves, so validation never improves after
    // the first check: validations after batches 4 and 6 of epoch 1, then batch 4 of epoch 2,
    // where patience 2 runs out in the middle of the epoch.
    TrainConfig stuck = TRAIN.withValInterval(4).withEpochs(5).withLr(1e-30f).withPatience(2);
    ForecastRun.Outcome o = run(stuck, tmp.resolve("v-stop"), false, (b, n, l) -> { });
    Table rows = Table.readCsv(tmp.resolve("v-stop/metrics.csv"));
    assertThat(rows.doubles("epoch")).containsExactly(0.667, 1.0, 1.667);
    assertThat(o.epochs()).isEqualTo(2);
    assertThat(o.bestEpoch()).isEqualTo(1);
    // Resuming a stopped run trains nothing more and tests the same checkpoint.
    ForecastRun.Outcome again = run(stuck, tmp.resolve("v-stop"), true, (b, n, l) -> {
      throw new AssertionError("trained after early stopping");
    });
    assertThat(again.mse()).isEqualTo(o.mse());
    assertThat(Table.readCsv(tmp.resolve("v-stop/metrics.csv")).rowCount()).isEqualTo(3);
  }

  @Test
  void aPlateauLowersTheLearningRateAndAResumedRunKeepsTheDecays() throws IOException {
    // Validation never improves (no weight moves at 1e-30): the first check is the best, the next
    // two go back to it and halve the rate, the fourth exhausts patience 3 in epoch 2.
    TrainConfig stuck = TRAIN.withValInterval(2).withEpochs(3).withLr(1e-30f).withPatience(3)
        .withPlateauDecay(0.5f);
    run(stuck, tmp.resolve("p-straight"), false, (b, n, l) -> { });
    double[] lr = Table.readCsv(tmp.resolve("p-straight/metrics.csv")).doubles("lr");
    assertThat(lr).hasSize(4);
    assertThat(lr[1] / lr[0]).isCloseTo(1.0, within(1e-6));
    assertThat(lr[2] / lr[0]).isCloseTo(0.5, within(1e-6));
    assertThat(lr[3] / lr[0]).isCloseTo(0.25, within(1e-6));
    Path killed = tmp.resolve("p-killed");
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(() -> run(stuck, killed, false, (b, n, l) -> {
      if (calls.incrementAndGet() == 7) { // epoch 2's first batch
        throw new IllegalStateException("killed");
      }
    })).hasMessage("killed");
    run(stuck, killed, true, (b, n, l) -> { });
    assertThat(Table.readCsv(killed.resolve("metrics.csv")).doubles("lr")).containsExactly(lr);
  }

  @Test
  void aRateDecayedBelowTheStopRateEndsTheRunBeforePatienceDoes() throws IOException {
    // As above, validation never improves; patience 10 would allow nine decays. The rate of the
    // third check is half the first's and the fourth's would be a quarter: a stop rate between
    // the two ends the run after three checks, still inside epoch 1.
    TrainConfig stuck = TRAIN.withValInterval(2).withEpochs(3).withLr(1e-30f).withPatience(10)
        .withPlateauDecay(0.5f);
    double first = stuck.lrAt(0, 0);
    TrainConfig stopping = stuck.withStopLr((float) (first * 0.4));
    ForecastRun.Outcome o = run(stopping, tmp.resolve("s-stop"), false, (b, n, l) -> { });
    double[] lr = Table.readCsv(tmp.resolve("s-stop/metrics.csv")).doubles("lr");
    assertThat(lr).hasSize(3);
    assertThat(lr[2] / first).isCloseTo(0.5, within(1e-6));
    assertThat(o.epochs()).isEqualTo(1);
    assertThat(o.bestEpoch()).isEqualTo(1);
    // Resuming a stopped run trains nothing more; decays before the first one never stop a run,
    // so neither does a rate below the stop rate that no plateau caused.
    ForecastRun.Outcome again = run(stopping, tmp.resolve("s-stop"), true, (b, n, l) -> {
      throw new AssertionError("trained after the rate ran out");
    });
    assertThat(again.mse()).isEqualTo(o.mse());
    assertThat(stopping.lrSpent(0, 0)).isFalse();
    assertThat(stopping.lrSpent(0, 1)).isFalse();
    assertThat(stopping.lrSpent(0, 2)).isTrue();
    assertThat(stuck.lrSpent(0, 20)).as("0 is off").isFalse();
    assertThatThrownBy(() -> stuck.withStopLr(2e-30f))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stopLr");
    // A config.json written before the field existed reads as no stop rate.
    String json = Files.readString(tmp.resolve("s-stop/config.json"));
    assertThat(json).contains("\"stopLr\"");
    Path old = tmp.resolve("s-old-config.json");
    Files.writeString(old, json.replaceAll(",\\s*\"stopLr\": [0-9.Ee-]+", ""));
    assertThat(Files.readString(old)).doesNotContain("stopLr");
    assertThat(ForecastRun.readSpec(old).train().stopLr()).isZero();
  }

  @Test
  void aGainBelowTheMinimumDeltaIsNotAnImprovement() throws IOException {
    TrainConfig t = TRAIN.withValInterval(2).withEpochs(3).withPatience(2);
    run(t, tmp.resolve("d-any"), false, (b, n, l) -> { });
    double[] anyGain = Table.readCsv(tmp.resolve("d-any/metrics.csv")).doubles("val_mse");
    // Without a threshold the second and third checks are real gains...
    assertThat(anyGain[1]).isLessThan(anyGain[0]);
    assertThat(anyGain[2]).isLessThan(anyGain[1]);
    // ... which a 50 % threshold does not count: same run up to there, and patience 2 stops it
    // at the third check with the first one's checkpoint as the best.
    ForecastRun.Outcome o = run(t.withMinDelta(0.5f), tmp.resolve("d-half"), false, (b, n, l) -> { });
    double[] counted = Table.readCsv(tmp.resolve("d-half/metrics.csv")).doubles("val_mse");
    assertThat(counted).containsExactly(anyGain[0], anyGain[1], anyGain[2]);
    assertThat(o.valMse()).isEqualTo(anyGain[0]);
    assertThat(o.bestEpoch()).isEqualTo(1);
    // A config.json written before the field existed reads as no threshold.
    Path config = tmp.resolve("d-half/config.json");
    String json = Files.readString(config);
    assertThat(json).contains("\"minDelta\": 0.5");
    Path old = tmp.resolve("d-old-config.json");
    Files.writeString(old, json.replaceAll(",\\s*\"minDelta\": [0-9.Ee-]+", ""));
    TrainConfig read = ForecastRun.readSpec(old).train();
    assertThat(Files.readString(old)).doesNotContain("minDelta");
    assertThat(read.minDelta()).isZero();
    assertThat(read.withMinDelta(0.5f)).isEqualTo(ForecastRun.readSpec(config).train());
  }

  @Test
  void aTruncatedOrAlteredCheckpointFileIsRefusedByName() throws IOException {
    Path dir = tmp.resolve("c");
    run(dir, false, (b, n, l) -> { });
    Path best = dir.resolve("checkpoint/best");
    List<String> names;
    try (var files = java.nio.file.Files.list(best)) {
      names = files.map(f -> f.getFileName().toString()).filter(n -> !n.equals("manifest.json"))
          .sorted().toList();
    }
    assertThat(names).hasSize(2);
    for (String name : names) {
      Path file = best.resolve(name);
      byte[] good = java.nio.file.Files.readAllBytes(file);
      // Cut short (as a killed copy would leave it), then one byte flipped in place.
      java.nio.file.Files.write(file, java.util.Arrays.copyOf(good, good.length / 2));
      assertThatThrownBy(() -> org.mambamixer.runtime.train.Checkpoint.verify(best))
          .hasMessageContaining(file.toString()).hasMessageContaining("truncated");
      byte[] flipped = good.clone();
      flipped[flipped.length / 2] ^= 0x40;
      java.nio.file.Files.write(file, flipped);
      assertThatThrownBy(() -> org.mambamixer.runtime.train.Checkpoint.verify(best))
          .hasMessageContaining(file.toString()).hasMessageContaining("SHA-256");
      java.nio.file.Files.write(file, good);
    }
    org.mambamixer.runtime.train.Checkpoint.verify(best);
    java.nio.file.Files.delete(best.resolve("manifest.json"));
    assertThatThrownBy(() -> org.mambamixer.runtime.train.Checkpoint.verify(best))
        .hasMessageContaining("manifest.json is missing");
  }
}
