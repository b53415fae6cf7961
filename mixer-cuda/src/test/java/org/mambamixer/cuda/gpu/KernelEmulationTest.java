package org.mambamixer.cuda.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mambamixer.cuda.ScanKernel;
import org.mambamixer.cuda.ScanProblem;

/**
 * The CUDA kernels' logic, run on the CPU through a thread-per-lane emulation, against the scalar
 * oracle: every scan-check case except the timing one (too slow when every lane is a thread).
 */
class KernelEmulationTest {

  @TempDir static Path work;
  static EmulatedCudaKernel kernel;

  @BeforeAll
  static void build() throws Exception {
    Assumptions.assumeTrue(onPath("g++"), "g++ not installed: cannot emulate the CUDA kernels");
    kernel = new EmulatedCudaKernel(EmulatedCudaKernel.build(work), work);
  }

  static List<CheckCase> cases() {
    return CheckCase.standard().stream().filter(c -> c.elements() < 1_000_000).toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesTheScalarOracle(CheckCase c) {
    ScanProblem p = c.sample(7);
    List<ScanCheck.TensorError> errors =
        ScanCheck.compare(kernel, new ScalarScanKernel(), p, c.dout(7));
    assertThat(errors).allSatisfy(e -> assertThat(e.ok()).as(e.toString()).isTrue());
    // Every gradient of an input present is compared: 7 always, plus one per optional input.
    int optional = (c.skip() ? 1 : 0) + (c.gate() ? 1 : 0) + (c.bias() ? 1 : 0) + (c.h0() ? 1 : 0);
    assertThat(errors).hasSize(7 + optional);
  }

  @Test
  void backwardIsBitwiseReproducible() {
    CheckCase c = CheckCase.standard().get(0);
    ScanProblem p = c.sample(11);
    ScanKernel.Forward f = kernel.forward(p);
    ScanKernel.Gradients g1 = kernel.backward(p, f, c.dout(11));
    ScanKernel.Gradients g2 = kernel.backward(p, f, c.dout(11));
    assertThat(g2.dB()).containsExactly(g1.dB());
    assertThat(g2.dC()).containsExactly(g1.dC());
    assertThat(g2.dA()).containsExactly(g1.dA());
  }

  private static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }
}
