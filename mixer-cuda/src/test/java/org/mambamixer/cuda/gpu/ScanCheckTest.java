package org.mambamixer.cuda.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class ScanCheckTest {

  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);

  private String printed() {
    return buffer.toString(StandardCharsets.UTF_8);
  }

  @Test
  void cudaWithoutDeviceSaysWhyAndFails() {
    CudaProbe.Verdict v = CudaProbe.verdict();
    Assumptions.assumeFalse(v.available(), "CUDA is available here");
    assertThat(ScanCheck.run(new String[] {"--scan", "cuda"}, out)).isEqualTo(2);
    assertThat(printed()).contains("CUDA unavailable: " + v.detail());
  }

  @Test
  void badArgumentsPrintUsage() {
    assertThat(ScanCheck.run(new String[] {"--scan", "tpu"}, out)).isEqualTo(2);
    assertThat(printed()).contains("--scan must be cuda or cpu, got 'tpu'");
    assertThat(ScanCheck.run(new String[] {"--reps"}, out)).isEqualTo(2);
    assertThat(printed()).contains("Usage: scan-check");
    assertThat(ScanCheck.run(new String[] {"--reps", "-1", "--scan", "cpu"}, out)).isEqualTo(2);
    assertThat(printed()).contains("--reps must be at least 0 but is -1");
  }

  @Test
  void errorFlagsMismatchesAndNonFiniteValues() {
    float[] expected = {1f, -2f, 0f, 100f};
    assertThat(ScanCheck.error("x", expected.clone(), expected).ok()).isTrue();
    assertThat(ScanCheck.error("x", new float[] {1f, -2f, 0.5f, 100f}, expected).maxRel())
        .isCloseTo(0.5, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(ScanCheck.error("x", new float[] {Float.NaN, -2f, 0f, 100f}, expected).ok()).isFalse();
    assertThat(ScanCheck.error("x", new float[] {1f}, expected).ok()).isFalse();
    assertThat(ScanCheck.error("x", null, expected).ok()).isFalse();
  }
}
