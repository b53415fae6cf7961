package org.mambamixer.cuda.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** What the probe says on a machine without an NVIDIA driver, the normal case for CI here. */
class CudaProbeTest {

  private static boolean driverInstalled() {
    return Stream.of("/usr/lib/x86_64-linux-gnu/libcuda.so.1", "/usr/lib64/libcuda.so.1",
        "/usr/lib/wsl/lib/libcuda.so.1").anyMatch(p -> Files.exists(Path.of(p)));
  }

  @Test
  void withoutDriverReportsUnavailableNamingTheDriver() {
    Assumptions.assumeFalse(driverInstalled(), "an NVIDIA driver is installed here");
    CudaProbe.Verdict v = CudaProbe.verdict();
    assertThat(v.available()).isFalse();
    assertThat(v.reason()).isEqualTo(CudaProbe.Reason.NO_DRIVER);
    assertThat(v.detail()).contains("no NVIDIA driver").contains("libcuda.so.1");
    assertThat(v.describe()).startsWith("CUDA unavailable: ");
  }

  @Test
  void verdictIsProbedOnceAndCached() {
    assertThat(CudaProbe.verdict()).isSameAs(CudaProbe.verdict());
  }

  @Test
  void kernelRefusesWithTheProbesReason() {
    CudaProbe.Verdict v = CudaProbe.verdict();
    Assumptions.assumeFalse(v.available(), "CUDA is available here");
    assertThatThrownBy(CudaScanKernel::new)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(v.describe());
  }
}
