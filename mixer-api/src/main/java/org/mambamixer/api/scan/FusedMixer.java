package org.mambamixer.api.scan;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * Everything of a selective mixer between its in_proj and out_proj as one operation (spec D2, D3),
 * for backends that fuse it (a kernel with its own backward registers a {@link DeferredGradient}):
 *
 * <pre>
 *   xz (Bt, L, 2E) = [x | z], the in_proj output
 *   for each route r:  y_r = S6_r(x)      conv + SiLU, x_proj, dt_proj + softplus, scan, D skip
 *   y = (sum_r y_r) * silu(z)             (Bt, L, E), in position order
 * </pre>
 *
 * <p>Exactly what {@code SelectiveMixer} computes from its S6 routes and the shared gate; the
 * routes' own path stays the oracle.
 */
public interface FusedMixer {

  /** y (Bt, L, E) from xz (Bt, L, 2E); every route of one mixer has the same sizes. */
  NDArray forward(NDArray xz, List<MixerRoute> routes);
}
