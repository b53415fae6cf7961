package org.mambamixer.runtime.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressTest {
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  private final PrintWriter out =
      new PrintWriter(new java.io.OutputStreamWriter(captured, StandardCharsets.UTF_8), true);
  private long now;

  private List<String> lines() {
    return captured.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void printsAtMostEveryIntervalAndAlwaysTheLastBatch() {
    Progress p = new Progress(out, () -> now, Duration.ofSeconds(2), 1.0);
    p.startEpoch(1, 3, 10);
    for (int b = 1; b <= 10; b++) {
      now += 500_000_000L; // 0.5 s per batch: a line every 4 batches
      p.batch(b, 1.0 / b);
    }
    // Epochs 2 and 3 add 20 batches of 0.5 s to the run's ETA.
    assertThat(lines()).containsExactly(
        "epoch 1/3  batch 4/10  loss=0.2500  ETA 00:03  run ETA 00:13  (2.00 it/s)",
        "epoch 1/3  batch 8/10  loss=0.1250  ETA 00:01  run ETA 00:11  (2.00 it/s)",
        "epoch 1/3  batch 10/10  loss=0.1000  ETA 00:00  run ETA 00:10  (2.00 it/s)");
    assertThat(p.runEtaSeconds(4)).isCloseTo(13.0, within(1e-9));
  }

  @Test
  void etaFollowsTheExponentialMovingAverageOfBatchTimes() {
    Progress p = new Progress(out, () -> now, Duration.ofHours(1), 0.5);
    p.startEpoch(2, 2, 100);
    now += 10_000_000_000L; // slow warm-up batch: 10 s
    p.batch(1, 2.0);
    assertThat(p.etaSeconds(1)).isCloseTo(99 * 10.0, within(1e-9));
    now += 2_000_000_000L; // ema = 0.5 * 2 + 0.5 * 10 = 6 s
    p.batch(2, 1.5);
    assertThat(p.etaSeconds(2)).isCloseTo(98 * 6.0, within(1e-9));
    now += 2_000_000_000L; // ema = 4 s
    p.batch(3, 1.2);
    assertThat(p.etaSeconds(3)).isCloseTo(97 * 4.0, within(1e-9));
    // The last epoch: the run's ETA is the epoch's, so the line shows one.
    assertThat(p.line(3, 1.2)).isEqualTo("epoch 2/2  batch 3/100  loss=1.200  ETA 06:28  (0.25 it/s)");
    assertThat(p.runEtaSeconds(3)).isEqualTo(p.etaSeconds(3));
    assertThat(lines()).isEmpty(); // interval not reached, not the last batch
  }

  @Test
  void clockAndRateFormats() {
    assertThat(Progress.clock(0)).isEqualTo("00:00");
    assertThat(Progress.clock(59.6)).isEqualTo("01:00");
    assertThat(Progress.clock(3599)).isEqualTo("59:59");
    assertThat(Progress.clock(3 * 3600 + 62)).isEqualTo("3:01:02");
    assertThat(Progress.clock(Double.NaN)).isEqualTo("--:--");
    assertThat(Progress.rate(4.567)).isEqualTo("4.57");
    assertThat(Progress.rate(45.67)).isEqualTo("45.7");
    assertThat(Progress.rate(4567.8)).isEqualTo("4568");
  }

  @Test
  void rejectsBatchesOutsideTheEpoch() {
    Progress p = new Progress(out, () -> now, Duration.ZERO, 0.1);
    assertThatThrownBy(() -> p.batch(1, 0)).hasMessageContaining("startEpoch");
    p.startEpoch(1, 1, 5);
    assertThatThrownBy(() -> p.batch(6, 0)).hasMessageContaining("batch must be in 1..5, got 6");
    assertThatThrownBy(() -> p.startEpoch(2, 1, 5)).hasMessageContaining("epoch 2/1");
  }
}
