package org.mambamixer.cuda.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mambamixer.api.io.Npz;
import org.mambamixer.api.io.SharedFiles;
import org.mambamixer.cuda.ScanKernel;
import org.mambamixer.cuda.ScanProblem;

/**
 * The oracle that scan-check and the emulation test trust, checked independently: against the
 * golden vectors of the Python reference, by finite differences for what the goldens lack (h0,
 * reverse), and by the identities reverse = forward on flipped inputs and scan(L) = scan(L1) then
 * scan(L2) from the carried state.
 */
class ScalarScanKernelTest {

  private final ScalarScanKernel oracle = new ScalarScanKernel();

  static Stream<Path> goldenFiles() throws IOException {
    Path dir = SharedFiles.goldenDir();
    Assumptions.assumeTrue(SharedFiles.present(dir, "golden vectors"),
        SharedFiles.missing(dir, "golden vectors"));
    return Files.list(dir).filter(p -> p.toString().endsWith(".npz")).sorted();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("goldenFiles")
  void matchesGoldenVectors(Path file) throws IOException {
    Map<String, Npz.Array> g = Npz.read(file);
    long[] shape = g.get("u").shape(); // (B, D, L)
    int n = (int) g.get("A").shape()[1];
    ScanProblem p = new ScanProblem((int) shape[0], (int) shape[1], (int) shape[2], n,
        f(g, "u"), f(g, "delta"), f(g, "A"), f(g, "B"), f(g, "C"), f(g, "D"), f(g, "z"),
        f(g, "delta_bias"), g.containsKey("delta_softplus") && g.get("delta_softplus").bool(), null,
        false);
    ScanKernel.Forward fwd = oracle.forward(p);
    ScanKernel.Gradients grad = oracle.backward(p, fwd, f(g, "g"));
    // The goldens are fp32 PyTorch; 1e-4 relative is the tolerance their README asks for.
    double tol = 1e-4;
    assertClose("out", fwd.out(), g, tol);
    assertClose("last_state", fwd.lastState(), g, tol);
    assertClose("grad_u", grad.du(), g, tol);
    assertClose("grad_delta", grad.ddelta(), g, tol);
    assertClose("grad_A", grad.dA(), g, tol);
    assertClose("grad_B", grad.dB(), g, tol);
    assertClose("grad_C", grad.dC(), g, tol);
    assertClose("grad_D", grad.dD(), g, tol);
    assertClose("grad_z", grad.dz(), g, tol);
    assertClose("grad_delta_bias", grad.dDeltaBias(), g, tol);
  }

  @Test
  void reverseEqualsForwardOnFlippedInputs() {
    ScanProblem rev = CheckCase.standard().get(1).sample(3); // reverse, h0, all options
    ScanProblem flipped = new ScanProblem(rev.batch(), rev.dim(), rev.len(), rev.dstate(),
        flipL(rev, rev.u()), flipL(rev, rev.delta()), rev.A(), flipL(rev, rev.B()),
        flipL(rev, rev.C()), rev.dSkip(), flipL(rev, rev.z()), rev.deltaBias(),
        rev.deltaSoftplus(), rev.h0(), false);
    ScanKernel.Forward a = oracle.forward(rev);
    ScanKernel.Forward b = oracle.forward(flipped);
    assertThat(a.out()).containsExactly(flipL(rev, b.out()));
    assertThat(a.lastState()).containsExactly(b.lastState());
  }

  @Test
  void carriedStateContinuesTheScan() {
    ScanProblem whole = CheckCase.standard().get(0).sample(5); // L = 100
    int split = 37;
    ScanProblem first = slice(whole, 0, split, null);
    ScanKernel.Forward f1 = oracle.forward(first);
    ScanProblem second = slice(whole, split, whole.len(), f1.lastState());
    ScanKernel.Forward f2 = oracle.forward(second);
    ScanKernel.Forward all = oracle.forward(whole);
    // The carried state passes through float, so equal up to float rounding.
    assertThat(ScanCheck.error("last_state", f2.lastState(), all.lastState()).maxRel())
        .isLessThan(1e-5);
    assertThat(ScanCheck.error("out", f2.out(), sliceL(all.out(), whole.len(), split, whole.len()))
        .maxRel()).isLessThan(1e-5);
  }

  /** d(sum(out * g))/d(input) by central differences, for h0, delta_bias and A on a reverse scan. */
  @Test
  void gradientsMatchFiniteDifferences() {
    ScanProblem p = new CheckCase("fd", 1, 3, 9, 4, true, true, true, true, true, true).sample(9);
    float[] g = new CheckCase("fd", 1, 3, 9, 4, true, true, true, true, true, true).dout(9);
    ScanKernel.Gradients grad = oracle.backward(p, oracle.forward(p), g);
    for (int i = 0; i < p.h0().length; i++) {
      assertThat(grad.dh0()[i]).isCloseTo((float) numeric(p, g, p.h0(), i), within(2e-3f));
    }
    for (int i = 0; i < p.deltaBias().length; i++) {
      assertThat(grad.dDeltaBias()[i])
          .isCloseTo((float) numeric(p, g, p.deltaBias(), i), within(2e-3f));
    }
    for (int i = 0; i < p.A().length; i++) {
      assertThat(grad.dA()[i]).isCloseTo((float) numeric(p, g, p.A(), i), within(2e-3f));
    }
  }

  private double numeric(ScanProblem p, float[] g, float[] x, int i) {
    float keep = x[i];
    float eps = 1e-2f;
    x[i] = keep + eps;
    double up = dot(oracle.forward(p).out(), g);
    x[i] = keep - eps;
    double down = dot(oracle.forward(p).out(), g);
    x[i] = keep;
    return (up - down) / (2 * eps);
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }

  private static ScanProblem slice(ScanProblem p, int from, int to, float[] h0) {
    return new ScanProblem(p.batch(), p.dim(), to - from, p.dstate(),
        sliceL(p.u(), p.len(), from, to), sliceL(p.delta(), p.len(), from, to), p.A(),
        sliceL(p.B(), p.len(), from, to), sliceL(p.C(), p.len(), from, to), p.dSkip(),
        sliceL(p.z(), p.len(), from, to), p.deltaBias(), p.deltaSoftplus(), h0, false);
  }

  /** Keeps [from, to) of the last axis of a (rows, len) array. */
  private static float[] sliceL(float[] x, int len, int from, int to) {
    if (x == null) {
      return null;
    }
    int rows = x.length / len;
    float[] out = new float[rows * (to - from)];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(x, r * len + from, out, r * (to - from), to - from);
    }
    return out;
  }

  /** Reverses the L axis of a (..., L) array: u, delta, z, out (B, D, L) and B, C (B, N, L). */
  private static float[] flipL(ScanProblem p, float[] x) {
    int len = p.len();
    if (x == null) {
      return null;
    }
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      int r = i / len;
      out[i] = x[r * len + len - 1 - i % len];
    }
    return out;
  }

  private static float[] f(Map<String, Npz.Array> g, String name) {
    Npz.Array a = g.get(name);
    return a == null ? null : a.floats();
  }

  private static void assertClose(String name, float[] actual, Map<String, Npz.Array> g,
      double tol) {
    Npz.Array expected = g.get(name);
    if (expected == null) {
      assertThat(actual).as(name + " absent from the golden file").isNull();
      return;
    }
    ScanCheck.TensorError e = ScanCheck.error(name, actual, expected.floats());
    assertThat(e.maxRel()).as(e.toString()).isLessThanOrEqualTo(tol);
  }
}
