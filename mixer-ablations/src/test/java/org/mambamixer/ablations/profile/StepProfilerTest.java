package org.mambamixer.ablations.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mambamixer.ablations.Assembled;
import org.mambamixer.runtime.train.TrainingListener.Phase;

/** The step profiler as the training loop drives it: what it charges to which phase. */
class StepProfilerTest {
  private static final int SLACK_MS = 40; // a shared machine may wake a sleeper late

  /** One batch through every phase, phase i sleeping {@code 10 * (i + 1)} ms (DATA 10 + extra). */
  private static void batch(StepProfiler p, int b, long extraDataMs) throws InterruptedException {
    p.onBatchBegin(0, b);
    for (Phase phase : Phase.values()) {
      p.onPhase(phase);
      Thread.sleep(10L * (phase.ordinal() + 1) + (phase == Phase.DATA ? extraDataMs : 0));
    }
    p.onBatchEnd(0, b, 3, 0.5f);
  }

  private static Map<String, Double> wallByPart(List<StepProfiler.Row> rows) {
    return rows.stream().collect(Collectors.groupingBy(StepProfiler.Row::part,
        LinkedHashMap::new, Collectors.summingDouble(StepProfiler.Row::wallMs)));
  }

  @Test
  void phaseTimesAddUpToTheStepAndLeaveTheWarmupOut() throws Exception {
    StepProfiler p = new StepProfiler(1, 2, null,
        new TimedScan(Assembled.variants().scan("cpu")));
    assertThat(p.batches()).isEqualTo(3);
    batch(p, 0, 300); // warm-up: its long DATA must not count
    batch(p, 1, 0);
    batch(p, 2, 0);

    Map<String, Double> wall = wallByPart(p.rows(null));
    assertThat(wall.keySet()).containsExactly(StepProfiler.OUTSIDE, "data", "forward", "loss",
        "backward", "optimizer");
    double sum = wall.values().stream().mapToDouble(Double::doubleValue).sum();
    assertThat(sum).isCloseTo(p.meanStepMs(), within(0.01 * p.meanStepMs()));
    assertThat(sum).isCloseTo(p.wallMsPerStep(), within(1e-9));
    for (Phase phase : Phase.values()) {
      assertThat(wall.get(phase.name().toLowerCase())).as(phase.name())
          .isBetween(10.0 * (phase.ordinal() + 1), 10.0 * (phase.ordinal() + 1) + SLACK_MS);
    }
    assertThat(wall.get(StepProfiler.OUTSIDE)).isLessThan(1.0);
    assertThat(p.scanTotals()).isEqualTo(TimedScan.Totals.ZERO);
  }

  @Test
  void theForwardAndBackwardAreSharedOutByTheTracesFamilies(@TempDir Path dir) throws Exception {
    // Forward region: linear 30 us, norms 10 us; backward: one MmBackward node of 5 us.
    Path trace = Files.writeString(dir.resolve("t.json"), "["
        + "{\"name\":\"aten::linear\",\"ts\":0,\"dur\":30,\"tid\":1},"
        + "{\"name\":\"aten::layer_norm\",\"ts\":40,\"dur\":10,\"tid\":1},"
        + "{\"name\":\"autograd::engine::evaluate_function: MmBackward0\",\"ts\":60,\"dur\":5,"
        + "\"tid\":1}]");
    StepProfiler p = new StepProfiler(0, 1, null,
        new TimedScan(Assembled.variants().scan("cpu")));
    batch(p, 0, 0);
    List<StepProfiler.Row> rows = p.rows(OpTrace.read(trace));
    double forward = wallByPart(p.rows(null)).get("forward");
    List<StepProfiler.Row> forwardRows = rows.stream()
        .filter(r -> r.part().equals("forward")).toList();
    assertThat(forwardRows).extracting(StepProfiler.Row::family)
        .containsExactly("linear / matmul", "norms");
    assertThat(forwardRows.get(0).wallMs()).isCloseTo(0.75 * forward, within(1e-9));
    assertThat(forwardRows.get(1).wallMs()).isCloseTo(0.25 * forward, within(1e-9));
    assertThat(rows).filteredOn(r -> r.part().equals("backward"))
        .extracting(StepProfiler.Row::family).containsExactly("backward of linear / matmul");
    assertThat(rows).filteredOn(r -> r.part().equals("data"))
        .extracting(StepProfiler.Row::family).containsExactly("engine ops and loop code");
  }
}
