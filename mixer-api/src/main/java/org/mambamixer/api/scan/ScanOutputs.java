package org.mambamixer.api.scan;

import ai.djl.ndarray.NDArray;

/**
 * The result of one selective scan.
 *
 * @param out (B, D, L) the gated output
 * @param lastState (B, D, N) the state after the last scanned position (position 0 when reversed);
 *     as in mamba_ssm, kernels do not propagate a gradient through it
 */
public record ScanOutputs(NDArray out, NDArray lastState) {}
