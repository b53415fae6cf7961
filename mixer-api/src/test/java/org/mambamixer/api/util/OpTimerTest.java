package org.mambamixer.api.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mambamixer.api.util.OpTimer.Family;

/** Exclusive section times that add up to the timed interval; other threads are not timed. */
class OpTimerTest {

  @Test
  void nestedSectionsPauseTheirParentAndTheFamiliesAddUpToTheInterval() throws Exception {
    long t0 = System.nanoTime();
    OpTimer.start();
    try (OpTimer.Section a = OpTimer.section(Family.LINEAR)) {
      Thread.sleep(30);
      try (OpTimer.Section b = OpTimer.section(Family.CONV)) {
        Thread.sleep(50);
      }
      Thread.sleep(30);
    }
    Thread other = new Thread(() -> {
      try (OpTimer.Section c = OpTimer.section(Family.NORM)) {
        sleep(40);
      }
    });
    other.start();
    other.join();
    OpTimer.stop();
    long elapsed = System.nanoTime() - t0;
    Map<Family, Long> t = OpTimer.totals();
    assertThat(t.get(Family.CONV)).isGreaterThanOrEqualTo(50_000_000L);
    assertThat(t.get(Family.LINEAR)).isGreaterThanOrEqualTo(60_000_000L);
    assertThat(t.get(Family.NORM)).as("another thread's section").isZero();
    long sum = t.values().stream().mapToLong(Long::longValue).sum();
    assertThat(sum).isLessThanOrEqualTo(elapsed).isGreaterThanOrEqualTo(150_000_000L);
    // Outside every section: the 40 ms the other thread slept while this one waited.
    assertThat(t.get(Family.OTHER)).isGreaterThanOrEqualTo(40_000_000L);
    assertThat(OpTimer.on()).isFalse();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
