package org.mambamixer.api.scan;

import ai.djl.ndarray.NDArray;
import org.mambamixer.api.util.Tensors;

/**
 * The inputs of one selective scan, in the layout of Mamba's {@code selective_scan_ref}.
 *
 * <pre>
 *   u, delta, z   (B, D, L)   input, step size before bias/softplus, gate
 *   A             (D, N)      state matrix, negative reals
 *   B, C          (B, N, L)   input-dependent input and output projections
 *   D, deltaBias  (D)         skip and step-size bias
 *   initialState  (B, D, N)   h before the first step (zeros when null)
 * </pre>
 *
 * {@code reverse} scans from the last position to the first, so the output at t depends on the
 * inputs at t..L-1; backends implement it by indexing, never by copying a flipped tensor.
 *
 * @param dSkip the skip parameter D (nullable); named so it does not clash with the shape letter
 * @param z the gate (nullable): out = y * silu(z)
 * @param deltaBias added to delta before softplus (nullable)
 * @param initialState the state before the first step (nullable)
 */
public record ScanInputs(
    NDArray u,
    NDArray delta,
    NDArray A,
    NDArray B,
    NDArray C,
    NDArray dSkip,
    NDArray z,
    NDArray deltaBias,
    boolean deltaSoftplus,
    NDArray initialState,
    boolean reverse) {

  /** The common case of a Mamba block: all optional parts present, softplus on, forward. */
  public static ScanInputs of(
      NDArray u, NDArray delta, NDArray A, NDArray B, NDArray C, NDArray dSkip, NDArray z,
      NDArray deltaBias) {
    return new ScanInputs(u, delta, A, B, C, dSkip, z, deltaBias, true, null, false);
  }

  public ScanInputs reversed(boolean reversed) {
    return new ScanInputs(u, delta, A, B, C, dSkip, z, deltaBias, deltaSoftplus, initialState, reversed);
  }

  public ScanInputs withInitialState(NDArray h0) {
    return new ScanInputs(u, delta, A, B, C, dSkip, z, deltaBias, deltaSoftplus, h0, reverse);
  }

  public long batch() {
    return u.getShape().get(0);
  }

  public long channels() {
    return u.getShape().get(1);
  }

  public long length() {
    return u.getShape().get(2);
  }

  public long stateSize() {
    return A.getShape().get(1);
  }

  /**
   * Checks every shape against u and A, and every value for NaN/infinity.
   *
   * @throws IllegalArgumentException naming the tensor and the expected shape
   */
  public ScanInputs validate() {
    validateShapes();
    Tensors.requireFinite("u", u);
    Tensors.requireFinite("delta", delta);
    Tensors.requireFinite("A", A);
    Tensors.requireFinite("B", B);
    Tensors.requireFinite("C", C);
    Tensors.requireFinite("D", dSkip);
    Tensors.requireFinite("z", z);
    Tensors.requireFinite("delta_bias", deltaBias);
    Tensors.requireFinite("initial_state", initialState);
    return this;
  }

  /**
   * Checks every shape against u and A; for backends that check values on their own copies.
   *
   * @throws IllegalArgumentException naming the tensor and the expected shape
   */
  public ScanInputs validateShapes() {
    Tensors.requireShape("u", u, "(B, D, L)", -1, -1, -1);
    Tensors.requireShape("A", A, "(D, N)", -1, -1);
    long b = batch();
    long d = channels();
    long l = length();
    long n = stateSize();
    if (A.getShape().get(0) != d) {
      throw new IllegalArgumentException(
          "A must have shape (D, N) = (" + d + ", *) to match u's D but has " + A.getShape());
    }
    Tensors.requireShape("delta", delta, "(B, D, L)", b, d, l);
    Tensors.requireShape("B", B, "(B, N, L)", b, n, l);
    Tensors.requireShape("C", C, "(B, N, L)", b, n, l);
    if (dSkip != null) {
      Tensors.requireShape("D", dSkip, "(D)", d);
    }
    if (z != null) {
      Tensors.requireShape("z", z, "(B, D, L)", b, d, l);
    }
    if (deltaBias != null) {
      Tensors.requireShape("delta_bias", deltaBias, "(D)", d);
    }
    if (initialState != null) {
      Tensors.requireShape("initial_state", initialState, "(B, D, N)", b, d, n);
    }
    return this;
  }
}
