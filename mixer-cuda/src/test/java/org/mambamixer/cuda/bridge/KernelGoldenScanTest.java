package org.mambamixer.cuda.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.mambamixer.api.io.SharedFiles;
import org.mambamixer.api.scan.GoldenCase;
import org.mambamixer.cuda.ScanKernel;
import org.mambamixer.cuda.cpu.CpuScanKernel;
import org.mambamixer.cuda.gpu.CudaProbe;
import org.mambamixer.cuda.gpu.CudaScanKernel;

/** Parity of every kernel backend, through the DJL bridge, with every golden file. */
class KernelGoldenScanTest {

  @TestFactory
  Stream<DynamicTest> cpuKernelMatchesEveryGoldenFile() throws Exception {
    return parity(CpuScanKernel::new);
  }

  @TestFactory
  Stream<DynamicTest> cudaKernelMatchesEveryGoldenFile() throws Exception {
    CudaProbe.Verdict v = CudaProbe.verdict();
    Assumptions.assumeTrue(v.available(), "CUDA backend not usable here: " + v.describe());
    return parity(CudaScanKernel::new);
  }

  private static Stream<DynamicTest> parity(Supplier<ScanKernel> kernel) throws Exception {
    Path dir = SharedFiles.goldenDir();
    Assumptions.assumeTrue(SharedFiles.present(dir, "golden vectors"),
        SharedFiles.missing(dir, "golden vectors"));
    List<GoldenCase> cases = GoldenCase.loadAll(dir);
    assertThat(cases).as("golden files in %s", dir).isNotEmpty();
    KernelScan backend = new KernelScan(kernel.get());
    return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
      try (NDManager m = NDManager.newBaseManager()) {
        List<GoldenCase.Error> errors = c.check(backend, m);
        assertThat(errors).allSatisfy(e ->
            assertThat(e.within(1e-4)).as("%s %s: %s", c.name(), e.tensor(), e).isTrue());
      }
    }));
  }
}
