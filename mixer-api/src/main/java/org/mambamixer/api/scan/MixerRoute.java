package org.mambamixer.api.scan;

import ai.djl.ndarray.NDArray;

/**
 * One route of a selective mixer as a {@link FusedMixer} takes it: its token order and the
 * weights of its S6 (conv, x_proj, dt_proj, A_log, D), as the engine holds them.
 *
 * @param order step s of the scan reads position {@code order[s]} before reversal; null scans
 *     in position order. Only a route without conv may have one (ViM2's column-major routes).
 * @param reverse scan from the last step of the order to the first; the conv is then
 *     anti-causal, as in {@code S6}
 * @param convWeight the depthwise conv's weight (E, 1, k), or null without conv
 * @param convBias (E), or null without conv
 * @param xProj x_proj's weight (R + 2N, E): rows dt_low, then B, then C
 * @param dtWeight dt_proj's weight (E, R)
 * @param dtBias dt_proj's bias (E), added before softplus
 * @param aLog (E, N), A = -exp(A_log)
 * @param dSkip D (E)
 */
public record MixerRoute(int[] order, boolean reverse, NDArray convWeight, NDArray convBias,
    NDArray xProj, NDArray dtWeight, NDArray dtBias, NDArray aLog, NDArray dSkip) {}
