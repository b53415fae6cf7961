package org.mambamixer.cuda;

/**
 * One selective scan on plain float arrays, C order, in mamba_ssm's layout; the contract shared by
 * the CPU and CUDA kernels and by {@code scan-check}, which must run without DJL.
 *
 * <pre>
 *   u, delta, z   (batch, dim, len)
 *   A             (dim, dstate)
 *   B, C          (batch, dstate, len)
 *   D, deltaBias  (dim)
 *   h0            (batch, dim, dstate)
 * </pre>
 *
 * @param dSkip D, nullable
 * @param z nullable
 * @param deltaBias nullable
 * @param h0 initial state, nullable (zeros)
 * @param reverse scan from len-1 down to 0
 */
public record ScanProblem(
    int batch,
    int dim,
    int len,
    int dstate,
    float[] u,
    float[] delta,
    float[] A,
    float[] B,
    float[] C,
    float[] dSkip,
    float[] z,
    float[] deltaBias,
    boolean deltaSoftplus,
    float[] h0,
    boolean reverse) {

  public ScanProblem {
    int bdl = Math.multiplyExact(Math.multiplyExact(batch, dim), len);
    int bnl = Math.multiplyExact(Math.multiplyExact(batch, dstate), len);
    check("u", u, bdl);
    check("delta", delta, bdl);
    check("A", A, dim * dstate);
    check("B", B, bnl);
    check("C", C, bnl);
    if (dSkip != null) {
      check("D", dSkip, dim);
    }
    if (z != null) {
      check("z", z, bdl);
    }
    if (deltaBias != null) {
      check("delta_bias", deltaBias, dim);
    }
    if (h0 != null) {
      check("h0", h0, batch * dim * dstate);
    }
  }

  private static void check(String name, float[] a, int expected) {
    if (a == null || a.length != expected) {
      throw new IllegalArgumentException(name + " must hold " + expected + " floats but holds "
          + (a == null ? "null" : Integer.toString(a.length)));
    }
    for (int i = 0; i < a.length; i++) {
      if (!Float.isFinite(a[i])) {
        throw new IllegalArgumentException(name + " contains NaN or infinite values (first at"
            + " flat index " + i + ")");
      }
    }
  }
}
