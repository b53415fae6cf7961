package org.mambamixer.runtime.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StopTest {
  @AfterEach
  void clear() {
    Stop.clear();
  }

  /** A loop as the trainers run it: the check before each batch, the request during batch 2. */
  private static void train(List<Integer> trained, int batches) {
    for (int b = 0; b < batches; b++) {
      Stop.check(1, b);
      trained.add(b);
      if (b == 2) {
        Stop.request("SIGTERM", 143);
      }
    }
  }

  @Test
  void aRequestStopsTheLoopBeforeItsNextBatchWithTheSignalsExitCode() {
    List<Integer> trained = new ArrayList<>();
    assertThatThrownBy(() -> train(trained, 6))
        .isInstanceOfSatisfying(Stop.Stopped.class, s -> assertThat(s.exitCode()).isEqualTo(143))
        .hasMessage("stopped by SIGTERM before batch 4 of epoch 2; the run directory keeps its"
            + " last resume point");
    assertThat(trained).containsExactly(0, 1, 2);
  }

  @Test
  void theFirstRequestIsKeptAndClearingForgetsIt() {
    Stop.check(0, 0);
    Stop.request("SIGINT", 130);
    Stop.request("SIGTERM", 143);
    assertThatThrownBy(() -> Stop.check(0, 0)).isInstanceOfSatisfying(Stop.Stopped.class,
        s -> assertThat(s.exitCode()).isEqualTo(130)).hasMessageContaining("SIGINT");
    Stop.clear();
    Stop.check(0, 0);
  }
}
