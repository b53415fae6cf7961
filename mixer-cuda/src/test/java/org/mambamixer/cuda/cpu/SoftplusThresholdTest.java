package org.mambamixer.cuda.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.mambamixer.api.scan.ReferenceScan;
import org.mambamixer.cuda.ScanFixture;
import org.mambamixer.cuda.ScanProblem;
import org.mambamixer.cuda.bridge.KernelScan;
import org.mambamixer.cuda.gpu.CudaProbe;
import org.mambamixer.cuda.gpu.CudaScanKernel;

/**
 * delta + delta_bias far past softplus's threshold (20, where PyTorch returns x itself) and past
 * the point where a naive log(1 + exp(x)) overflows float (88.7): every backend must agree with
 * the reference, output and every gradient, and stay finite.
 */
class SoftplusThresholdTest {
  private static final ScanFixture SHAPE =
      new ScanFixture(2, 24, 33, 8, true, true, true, true, false, false, 11);

  /** The fixture's problem with delta spread over about [-70, 110] around the threshold. */
  private static ScanProblem pastThreshold() {
    ScanProblem p = SHAPE.problem();
    float[] delta = p.delta().clone(); // N(-1, 1)
    for (int i = 0; i < delta.length; i++) {
      delta[i] = 20f + 30f * (delta[i] + 1f);
    }
    return new ScanProblem(p.batch(), p.dim(), p.len(), p.dstate(), p.u(), delta, p.A(), p.B(),
        p.C(), p.dSkip(), p.z(), p.deltaBias(), true, p.h0(), p.reverse());
  }

  @Test
  void theProblemCrossesTheThresholdAndTheOverflowPoint() {
    ScanProblem p = pastThreshold();
    int above20 = 0;
    int aboveOverflow = 0;
    for (int i = 0; i < p.delta().length; i++) {
      float x = p.delta()[i] + p.deltaBias()[(i / p.len()) % p.dim()];
      above20 += x > 20 ? 1 : 0;
      aboveOverflow += x > 89 ? 1 : 0;
    }
    int n = p.delta().length;
    assertThat(above20).as("steps past the threshold").isBetween(n / 3, n - n / 3);
    assertThat(aboveOverflow).as("steps where exp(x) overflows float").isPositive();
  }

  @Test
  void cpuKernelsAgreeWithTheReferenceAndStayFinite() {
    try (NDManager m = NDManager.newBaseManager()) {
      Map<String, float[]> ref = reference(m);
      for (TileOps ops : new TileOps[] {TileOps.best(), new ScalarTileOps()}) {
        KernelScan scan = new KernelScan(new CpuScanKernel(2, 8, ops));
        Map<String, float[]> cpu = SHAPE.run(scan, m, pastThreshold());
        assertFinite(cpu, "cpu " + ops.name());
        ScanFixture.assertClose(cpu, ref, 2e-4, "cpu " + ops.name());
      }
    }
  }

  @Test
  void cudaKernelAgreesWithTheReferenceAndStaysFinite() {
    CudaProbe.Verdict v = CudaProbe.verdict();
    Assumptions.assumeTrue(v.available(), v.describe());
    try (NDManager m = NDManager.newBaseManager(); CudaScanKernel kernel = new CudaScanKernel()) {
      Map<String, float[]> ref = reference(m);
      Map<String, float[]> cuda = SHAPE.run(new KernelScan(kernel), m, pastThreshold());
      assertFinite(cuda, "cuda");
      ScanFixture.assertClose(cuda, ref, 2e-4, "cuda");
    }
  }

  private static Map<String, float[]> reference(NDManager m) {
    Map<String, float[]> ref = SHAPE.run(new ReferenceScan(), m, pastThreshold());
    assertFinite(ref, "reference");
    return ref;
  }

  private static void assertFinite(Map<String, float[]> tensors, String backend) {
    tensors.forEach((k, a) -> {
      for (float v : a) {
        assertThat(Float.isFinite(v)).as("%s %s finite", backend, k).isTrue();
      }
    });
  }
}
