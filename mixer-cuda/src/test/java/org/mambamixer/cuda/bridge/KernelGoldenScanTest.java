package org.mambamixer.cuda.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.mambamixer.api.scan.GoldenCase;
import org.mambamixer.cuda.cpu.CpuScanKernel;

/** Parity of the CPU kernel, through the DJL bridge, with every golden file. */
class KernelGoldenScanTest {

  @TestFactory
  Stream<DynamicTest> cpuKernelMatchesEveryGoldenFile() throws Exception {
    Path dir = Path.of(System.getProperty("mixer.golden.dir", "../shared/golden"));
    Assumptions.assumeTrue(dir.toFile().isDirectory(), "no golden directory at " + dir.toAbsolutePath());
    List<GoldenCase> cases = GoldenCase.loadAll(dir);
    assertThat(cases).as("golden files in %s", dir).isNotEmpty();
    KernelScan backend = new KernelScan(new CpuScanKernel());
    return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
      try (NDManager m = NDManager.newBaseManager()) {
        List<GoldenCase.Error> errors = c.check(backend, m);
        assertThat(errors).allSatisfy(e ->
            assertThat(e.within(1e-4)).as("%s %s: %s", c.name(), e.tensor(), e).isTrue());
      }
    }));
  }
}
