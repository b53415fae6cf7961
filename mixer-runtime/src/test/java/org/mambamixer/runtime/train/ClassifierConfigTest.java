package org.mambamixer.runtime.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ClassifierConfigTest {

  private static ClassifierConfig config(float lr, float minLr, float smoothing) {
    return new ClassifierConfig(4, 32, 250, lr, minLr, 1, 0.05f, smoothing, 2021, 0, false,
        LrSchedule.Update.EPOCH);
  }

  @Test
  void theScheduleWarmsUpThenDecaysToTheFloor() {
    LrSchedule s = config(2e-3f, 2e-5f, 0.1f).schedule();
    assertThat(s.at(0)).isEqualTo(1e-3f); // one warm-up epoch: half the peak
    assertThat(s.at(1)).isEqualTo(2e-3f);
    assertThat(s).isEqualTo(new LrSchedule(2e-3f, 2e-5f, 1, 4, LrSchedule.Update.EPOCH));
  }

  /** Checked when the config is made, so the command turns them into usage errors. */
  @Test
  void badRatesAndSmoothingAreRejected() {
    assertThatThrownBy(() -> config(1e-5f, 1e-3f, 0.1f))
        .hasMessageContaining("0 <= minLr <= baseLr");
    assertThatThrownBy(() -> config(1e-3f, 1e-5f, 1f))
        .hasMessage("labelSmoothing must be in [0, 1), got 1.0");
  }

  /** A config.json written before the option names no update: those runs moved it per epoch. */
  @Test
  void anAbsentUpdateReadsAsPerEpoch() {
    assertThat(new ClassifierConfig(4, 32, 250, 1e-3f, 1e-5f, 1, 0.05f, 0.1f, 2021, 0, false, null)
        .lrUpdate()).isEqualTo(LrSchedule.Update.EPOCH);
  }
}
