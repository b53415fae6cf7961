package org.mambamixer.ablations.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.mambamixer.ablations.Assembled;

/** {@code bench-vim2-step} at a tiny size: what it counts, times and refuses. */
class VisionStepProfileTest {

  @Test
  void profilesAStepCountingTheModelsScanWork() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    VisionStepProfile.run(new VisionStepProfile.Options("vim2-tiny-28", List.of(8, 16), 2, 2, 1,
        1, 1, "cpu", false, true), Assembled.variants(),
        new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);
    // Per image, each of the four sublayer kinds scans 401,408 (b, d, l, n) elements:
    // stage 1 token: 2 layers x 4 routes x E 16 x 196 tokens x N 16; stage 2 token: 4 x 4 x 32 x
    // 49 x 16; stage 1 channel: 1 x 2 routes x 196 tokens x E 8 x C 8 x 16; stage 2 channel:
    // 2 x 2 x 49 x 8 x 16 x 16. Two images: 3,211,264.
    assertThat(out).contains("3.21e+06 scan elements per step");
    Matcher step = Pattern.compile("Training step: median (\\d+) ms").matcher(out);
    assertThat(step.find()).as(out).isTrue();
    assertThat(Integer.parseInt(step.group(1))).isPositive();
    assertThat(out).contains("| scan kernel backward |", "| linear / matmul |",
        "| backward of linear / matmul |", "Evaluation (no gradient)", "Peak RSS so far");
    String[] lines = out.strip().split("\n");
    assertThat(lines[lines.length - 1]).matches("Scan kernel fwd\\+bwd \\d+ ms CPU = [0-9.]+x the"
        + " bound; whole step \\d+ ms CPU = [0-9.]+x the bound\\.");
  }

  @Test
  void refusesStepCountsItCannotRun() {
    StepOptions o = new StepOptions();
    o.steps = 5;
    o.warmup = 0;
    assertThatThrownBy(o::check).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--warmup");
  }
}
