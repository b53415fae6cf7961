package org.mambamixer.ablations.study;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How {@code --jobs} splits the machine's cores between the cells' JVMs. */
class LocalEngineTest {

  private static int split(int jobs, int cores) {
    try (LocalEngine e = new LocalEngine(jobs, cores)) {
      return e.threadsPerCell();
    }
  }

  @Test
  void oneJobLeavesTheChildItsOwnDefaults() {
    assertThat(split(1, 2)).isZero();
    assertThat(split(1, 16)).isZero();
  }

  @Test
  void severalJobsShareTheCoresAndEachGetsAtLeastOne() {
    assertThat(split(2, 2)).isEqualTo(1);
    assertThat(split(4, 16)).isEqualTo(4);
    assertThat(split(3, 16)).isEqualTo(5);
    assertThat(split(3, 2)).isEqualTo(1);
  }

  @Test
  void theChildJvmIsToldItsCores() {
    CellJob job = new CellJob("c", List.of("forecast", "--dataset", "ETTh1"), "/tmp/c",
        List.of("mse"));
    assertThat(CellWorker.command(job, 1)).contains("-XX:ActiveProcessorCount=1")
        .endsWith("forecast", "--dataset", "ETTh1", "--run-dir", "/tmp/c");
    assertThat(CellWorker.command(job, 0)).noneMatch(a -> a.startsWith("-XX:ActiveProcessor"));
    assertThat(CellWorker.threadEnvironment(2)).containsExactly(Map.entry("OMP_NUM_THREADS", "2"));
    assertThat(CellWorker.threadEnvironment(0)).isEmpty();
  }
}
