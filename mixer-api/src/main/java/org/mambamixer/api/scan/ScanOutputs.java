package org.mambamixer.api.scan;

import ai.djl.ndarray.NDArray;
import java.util.function.Supplier;

/**
 * The result of one selective scan: the gated output {@code out (B, D, L)} and the state after the
 * last scanned position {@code lastState (B, D, N)} (position 0 when reversed); as in mamba_ssm,
 * kernels do not propagate a gradient through the last state.
 *
 * <p>A kernel backend may hand the last state over lazily: mixers never read it, and at TSM2's
 * variate-mixer shape it is twice the size of the output, so building it on every call would cost
 * a copy of that size for nothing.
 */
public final class ScanOutputs {
  private final NDArray out;
  private Supplier<NDArray> pending;
  private NDArray lastState;

  public ScanOutputs(NDArray out, NDArray lastState) {
    this.out = out;
    this.lastState = lastState;
  }

  /** With the last state built on the first call of {@link #lastState()}. */
  public static ScanOutputs withLazyState(NDArray out, Supplier<NDArray> lastState) {
    ScanOutputs o = new ScanOutputs(out, null);
    o.pending = lastState;
    return o;
  }

  /** (B, D, L) */
  public NDArray out() {
    return out;
  }

  /** (B, D, N) */
  public NDArray lastState() {
    if (lastState == null && pending != null) {
      lastState = pending.get();
      pending = null;
    }
    return lastState;
  }
}
