package org.mambamixer.cuda;

/**
 * A fused selective-scan kernel with its own backward, on float arrays (no DJL). The semantics are
 * those of {@link org.mambamixer.api.scan.SelectiveScan}.
 */
public interface ScanKernel {

  /** A short name: "cpu", "cuda". */
  String name();

  /** Forward pass; the result keeps whatever the backward needs (chunk-boundary states). */
  Forward forward(ScanProblem p);

  /**
   * Backward pass.
   *
   * @param dout (batch, dim, len) gradient of the output
   * @return gradients of every input present in {@code p} (null entries for absent inputs); the
   *     gradient of the last state is not propagated, as in mamba_ssm
   */
  Gradients backward(ScanProblem p, Forward saved, float[] dout);

  /**
   * Forward result.
   *
   * @param out (batch, dim, len)
   * @param lastState (batch, dim, dstate)
   * @param checkpoints kernel-specific saved state for the backward (may be null)
   */
  record Forward(float[] out, float[] lastState, Object checkpoints) {}

  /** Input gradients; a field is null when the corresponding input is absent. */
  record Gradients(float[] du, float[] ddelta, float[] dA, float[] dB, float[] dC, float[] dD,
      float[] dz, float[] dDeltaBias, float[] dh0) {}
}
