package org.mambamixer.cuda.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mambamixer.api.scan.Backprop;
import org.mambamixer.api.scan.ReferenceScan;
import org.mambamixer.api.scan.ScanInputs;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.cuda.ScanFixture;
import org.mambamixer.cuda.cpu.CpuScanKernel;

/** The bridge inside a DJL graph: two chained scans, gradients reaching the parameters before them. */
class KernelScanInGraphTest {
  private static final int B = 2;
  private static final int D = 11;
  private static final int L = 23;
  private static final int N = 4;

  @Test
  void twoChainedScansGiveTheReferenceParameterGradients() {
    List<float[]> expected = parameterGradients(new ReferenceScan());
    List<float[]> actual = parameterGradients(new KernelScan(new CpuScanKernel(2, 8)));
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      assertThat(ScanFixture.relError(actual.get(i), expected.get(i))).as("parameter %d", i)
          .isLessThanOrEqualTo(2e-4);
    }
  }

  @Test
  void mismatchedShapesAreRejectedNamingTheTensor() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray u = m.ones(new Shape(B, D, L));
      NDArray a = m.ones(new Shape(D, N)).neg();
      NDArray bc = m.ones(new Shape(B, N, L));
      NDArray badC = m.ones(new Shape(B, N + 1, L));
      KernelScan scan = new KernelScan(new CpuScanKernel(1, 16));
      assertThatThrownBy(() -> scan.scan(ScanInputs.of(u, u, a, bc, badC, null, null, null)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("C must have shape (B, N, L)");
      NDArray badBias = m.ones(new Shape(D + 2));
      assertThatThrownBy(() -> scan.scan(ScanInputs.of(u, u, a, bc, bc, null, null, badBias)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("delta_bias must have shape (D)");
    }
  }

  /**
   * x -> u = tanh(x * w) -> scan -> reversed scan of tanh(first output) ->
   * loss = sum(out^2); returns the gradients of w, A_log, D, delta_bias and of the input x.
   */
  private static List<float[]> parameterGradients(SelectiveScan scan) {
    Random r = new Random(3);
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.create(gauss(r, B * D * L), new Shape(B, D, L));
      NDArray w = m.create(gauss(r, D), new Shape(D, 1));
      NDArray aLog = m.create(gauss(r, D * N), new Shape(D, N)).mul(0.3f);
      NDArray skip = m.create(gauss(r, D), new Shape(D));
      NDArray bias = m.create(gauss(r, D), new Shape(D)).sub(1f);
      NDArray delta = m.create(gauss(r, B * D * L), new Shape(B, D, L));
      NDArray bIn = m.create(gauss(r, B * N * L), new Shape(B, N, L));
      NDArray cIn = m.create(gauss(r, B * N * L), new Shape(B, N, L));
      NDArray z = m.create(gauss(r, B * D * L), new Shape(B, D, L));
      List<NDArray> params = List.of(w, aLog, skip, bias, x);
      params.forEach(p -> p.setRequiresGradient(true));
      try (GradientCollector gc = m.getEngine().newGradientCollector()) {
        NDArray a = aLog.exp().neg(); // (D, N)
        NDArray u = x.mul(w).tanh(); // (B, D, L)
        NDArray y1 = scan.scan(ScanInputs.of(u, delta, a, bIn, cIn, skip, z, bias)).out();
        NDArray y2 = scan.scan(ScanInputs.of(y1.tanh(), delta, a, cIn, bIn, skip, null, bias)
            .reversed(true)).out();
        if (!(scan instanceof ReferenceScan)) {
          assertThat(Backprop.pending()).as("deferred nodes recorded").isEqualTo(2);
        }
        Backprop.backward(y2.mul(y2).sum());
      }
      List<float[]> grads = new ArrayList<>();
      params.forEach(p -> grads.add(p.getGradient().toFloatArray()));
      return grads;
    }
  }

  private static float[] gauss(Random r, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) r.nextGaussian();
    }
    return a;
  }
}
