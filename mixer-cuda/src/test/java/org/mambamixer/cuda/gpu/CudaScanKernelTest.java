package org.mambamixer.cuda.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mambamixer.cuda.ScanKernel;
import org.mambamixer.cuda.ScanProblem;

/** CUDA vs CPU parity on a real device; skipped, with the probe's reason, where there is none. */
class CudaScanKernelTest {

  private static CudaScanKernel cuda;

  /** The shared kernel, opened on first use; skips the calling test when there is no device. */
  private static CudaScanKernel cuda() {
    CudaProbe.Verdict v = CudaProbe.verdict();
    Assumptions.assumeTrue(v.available(), v.describe());
    if (cuda == null) {
      cuda = new CudaScanKernel();
    }
    return cuda;
  }

  @AfterAll
  static void close() {
    if (cuda != null) {
      cuda.close();
    }
  }

  static List<CheckCase> cases() {
    return CheckCase.standard();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesTheCpuKernel(CheckCase c) {
    ScanProblem p = c.sample(21);
    List<ScanCheck.TensorError> errors =
        ScanCheck.compare(cuda(), ScanCheck.cpuKernel(), p, c.dout(21));
    assertThat(errors).allSatisfy(e -> assertThat(e.ok()).as(e.toString()).isTrue());
  }

  @Test
  void backwardIsBitwiseReproducible() {
    CheckCase c = CheckCase.standard().get(0);
    ScanProblem p = c.sample(23);
    CudaScanKernel cuda = cuda();
    ScanKernel.Forward f = cuda.forward(p);
    ScanKernel.Gradients g1 = cuda.backward(p, f, c.dout(23));
    ScanKernel.Gradients g2 = cuda.backward(p, f, c.dout(23));
    assertThat(g2.dB()).containsExactly(g1.dB());
    assertThat(g2.dC()).containsExactly(g1.dC());
    assertThat(g2.dA()).containsExactly(g1.dA());
    assertThat(g2.dD()).containsExactly(g1.dD());
  }
}
