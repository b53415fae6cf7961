package org.mambamixer.api.scan;

import java.util.Optional;

/**
 * The selective scan (S6) SPI: Mamba-1 {@code selective_scan_ref} semantics (spec D1).
 *
 * <pre>
 *   delta' = softplus(delta + delta_bias)          (when deltaSoftplus)
 *   h_t    = exp(delta'_t A) * h_{t-1} + delta'_t B_t u_t
 *   y_t    = C_t . h_t + D u_t
 *   out_t  = y_t * silu(z_t)
 * </pre>
 *
 * <p>Implementations must be differentiable with respect to every NDArray input inside a DJL
 * {@code GradientCollector}: either through the engine's autograd, or by registering a {@link
 * DeferredGradient} with {@link Backprop} (kernels with their own backward).
 */
public interface SelectiveScan {

  /** A short name used in logs, result tables and the {@code --scan} flag. */
  String name();

  /** Runs the scan. Inputs are validated; outputs live on u's manager. */
  ScanOutputs scan(ScanInputs inputs);

  /**
   * The whole mixer between its projections as one op, where this backend has one; mixers then
   * call it instead of running their routes' S6 one by one.
   */
  default Optional<FusedMixer> fusedMixer() {
    return Optional.empty();
  }

  /**
   * True when this backend's ops record {@link DeferredGradient}s: their gradients then reach the
   * graph by backward passes of their own, each walking upstream of the op's inputs, which blocks
   * shorten with {@link Backprop#cutAhead}.
   */
  default boolean defersGradients() {
    return false;
  }
}
