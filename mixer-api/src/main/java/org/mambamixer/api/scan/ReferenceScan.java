package org.mambamixer.api.scan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;

/**
 * The selective scan on DJL ops, differentiated by the engine's autograd: the semantic reference
 * every faster backend is tested against.
 *
 * <p>Sequential over L, like mamba_ssm's {@code selective_scan_ref}: exp(delta A) and delta B u are
 * materialised as (B, D, L, N) and cut once with {@code split}, then each step is one multiply-add
 * and one reduction. A chunked (log-space or SSD-style) scan would cut the op count but changes
 * the floating-point association, and this class exists to be the unambiguous definition; speed is
 * the job of the fused kernels in mixer-cuda. Cutting once (rather than indexing step t with
 * {@code get}) keeps the backward linear in L: a per-step slice makes every slice's gradient a
 * full-size tensor.
 */
public final class ReferenceScan implements SelectiveScan {

  @Override
  public String name() {
    return "reference";
  }

  @Override
  public ScanOutputs scan(ScanInputs in) {
    in.validate();
    int len = (int) in.length();
    NDArray delta = in.delta(); // (B, D, L)
    if (in.deltaBias() != null) {
      delta = delta.add(in.deltaBias().expandDims(1)); // + (D, 1)
    }
    if (in.deltaSoftplus()) {
      delta = Activation.softPlus(delta);
    }
    NDArray d4 = delta.expandDims(3); // (B, D, L, 1)
    NDArray deltaA = d4.mul(in.A().expandDims(1)).exp(); // (B, D, L, N)
    NDArray bT = in.B().transpose(0, 2, 1).expandDims(1); // (B, 1, L, N)
    NDArray deltaBu = d4.mul(in.u().expandDims(3)).mul(bT); // (B, D, L, N)
    NDList aSteps = deltaA.split(len, 2); // L x (B, D, 1, N)
    NDList buSteps = deltaBu.split(len, 2);
    NDList cSteps = in.C().expandDims(1).split(len, 3); // L x (B, 1, N, 1)

    NDArray h = in.initialState(); // (B, D, N)
    NDArray[] ys = new NDArray[len];
    for (int s = 0; s < len; s++) {
      int t = in.reverse() ? len - 1 - s : s;
      NDArray a = aSteps.get(t).squeeze(2);
      NDArray bu = buSteps.get(t).squeeze(2);
      h = h == null ? bu : a.mul(h).add(bu); // (B, D, N)
      ys[t] = h.mul(cSteps.get(t).squeeze(3)).sum(new int[] {2}); // (B, D)
    }
    NDArray y = NDArrays.stack(new NDList(ys), 2); // (B, D, L)
    if (in.dSkip() != null) {
      y = y.add(in.u().mul(in.dSkip().expandDims(1)));
    }
    if (in.z() != null) {
      y = y.mul(silu(in.z()));
    }
    return new ScanOutputs(y, h);
  }

  /** silu(z) = z * sigmoid(z). */
  static NDArray silu(NDArray z) {
    return z.mul(Activation.sigmoid(z));
  }
}
