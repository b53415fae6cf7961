package org.mambamixer.cuda.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.mambamixer.api.io.SharedFiles;
import org.mambamixer.api.scan.ReferenceScan;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.cuda.GoldenBlock;
import org.mambamixer.cuda.cpu.CpuScanKernel;
import org.mambamixer.cuda.gpu.CudaProbe;
import org.mambamixer.cuda.gpu.CudaScanKernel;
import org.mambamixer.cuda.inject.FusedBackend;

/**
 * The project's Mamba block against upstream's whole block, for every file in {@code
 * mixer.golden.blocks.dir} and every scan backend: output, input gradient and the gradient of
 * every parameter, loaded by upstream's names (the fused backend runs the whole block as one op). Unlike finite differences this catches a wiring that
 * is differentiable but not Mamba's (B and C swapped, the conv bias dropped, z ungated).
 */
class MambaBlockGoldenTest {
  private static final double RTOL = 1e-4;

  @TestFactory
  Stream<DynamicTest> everyBlockMatchesUpstreamOnEveryBackend() throws Exception {
    Path dir = SharedFiles.goldenBlocksDir();
    Assumptions.assumeTrue(SharedFiles.present(dir, "golden Mamba blocks"),
        SharedFiles.missing(dir, "golden Mamba blocks"));
    List<GoldenBlock> cases = GoldenBlock.loadAll(dir);
    assertThat(cases).as(".npz files in %s", dir).isNotEmpty();
    List<DynamicTest> tests = new ArrayList<>();
    for (GoldenBlock c : cases) {
      tests.add(DynamicTest.dynamicTest(c.name() + " reference",
          () -> assertMatches(c, new ReferenceScan())));
      tests.add(DynamicTest.dynamicTest(c.name() + " cpu",
          () -> assertMatches(c, new KernelScan(new CpuScanKernel()))));
      tests.add(DynamicTest.dynamicTest(c.name() + " fused",
          () -> assertMatches(c, new FusedBackend().create())));
      tests.add(DynamicTest.dynamicTest(c.name() + " cuda", () -> {
        CudaProbe.Verdict v = CudaProbe.verdict();
        Assumptions.assumeTrue(v.available(), v.describe());
        try (CudaScanKernel kernel = new CudaScanKernel()) {
          assertMatches(c, new KernelScan(kernel));
        }
      }));
    }
    return tests.stream();
  }

  private static void assertMatches(GoldenBlock c, SelectiveScan scan) {
    try (NDManager m = NDManager.newBaseManager()) {
      List<GoldenBlock.Error> errors = c.check(scan, m);
      assertThat(errors).hasSize(2 + GoldenBlock.PARAMETERS.size());
      for (GoldenBlock.Error e : errors) {
        System.out.printf("%s %s %-22s max rel %.2e (abs %.2e of scale %.2e)%n", c.name(),
            scan.name(), e.tensor(), e.error().maxRel(), e.error().maxAbs(), e.error().scale());
      }
      assertThat(errors).allSatisfy(e -> assertThat(e.error().maxRel())
          .as("%s on %s: %s %s", c.name(), scan.name(), e.tensor(), e.error())
          .isLessThanOrEqualTo(RTOL));
    }
  }
}
