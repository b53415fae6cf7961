package org.mambamixer.api.ssm;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.mambamixer.api.scan.Backprop;
import org.mambamixer.api.scan.FusedMixer;
import org.mambamixer.api.scan.MixerRoute;
import org.mambamixer.api.scan.ScanInputs;
import org.mambamixer.api.scan.ScanRoute;
import org.mambamixer.api.scan.SelectiveScan;

/**
 * One route of a selective mixer: Mamba's block between in_proj and out_proj (spec D2).
 *
 * <pre>
 *   x (Bt, L, E) -> depthwise conv (k, causal; anti-causal for a reversed route) -> SiLU = u
 *   x_proj(u) -> dt_low (R), B (N), C (N)        per step, shared by all E channels
 *   delta = dt_proj.weight . dt_low               its bias goes to the scan as delta_bias
 *   out = scan(u, delta, A = -exp(A_log), B, C, D, z, delta_bias, softplus)   (Bt, E, L)
 * </pre>
 *
 * Inputs: {@code x (Bt, L, E)} and optionally the shared gate {@code zT (Bt, E, L)}. Output: the
 * gated scan output {@code (Bt, E, L)}, in the scan's layout so routes can be summed before one
 * transpose.
 */
public final class S6 extends AbstractBlock {
  /** Longest sequence the training conv takes in Toeplitz form (its work grows with L). */
  static final int TOEPLITZ_MAX_LEN = 256;

  private final S6Config config;
  private final ScanRoute route;
  private final SelectiveScan scan;
  private final Conv1d conv;
  private final Linear xProj;
  private final Parameter dtWeight;
  private final Parameter dtBias;
  private final Parameter aLog;
  private final Parameter dSkip;

  public S6(S6Config config, ScanRoute route, SelectiveScan scan) {
    this.config = config;
    this.route = route;
    this.scan = scan;
    int e = config.dInner();
    int k = config.dConv();
    if (k > 0) {
      // Pad k-1 on both sides: the first L outputs are causal, the last L anti-causal.
      conv = addChildBlock("conv", Conv1d.builder().setKernelShape(new Shape(k)).setFilters(e)
          .optGroups(e).optPadding(new Shape(k - 1)).optBias(true).build());
      conv.setInitializer(Init.FAN_IN_UNIFORM, Parameter.Type.WEIGHT);
    } else {
      conv = null;
    }
    xProj = addChildBlock("x_proj",
        Linear.builder().setUnits(config.dtRank() + 2L * config.dState()).optBias(false).build());
    xProj.setInitializer(Init.FAN_IN_UNIFORM, Parameter.Type.WEIGHT);
    dtWeight = addParameter(Parameter.builder().setName("dt_proj_weight")
        .setType(Parameter.Type.OTHER).optShape(new Shape(e, config.dtRank()))
        .optInitializer(Init.dtWeight(config)).build());
    dtBias = addParameter(Parameter.builder().setName("dt_proj_bias")
        .setType(Parameter.Type.OTHER).optShape(new Shape(e))
        .optInitializer(Init.dtBias(config)).build());
    aLog = addParameter(Parameter.builder().setName("A_log").setType(Parameter.Type.OTHER)
        .optShape(new Shape(e, config.dState())).optInitializer(Init.S4D_REAL_A_LOG).build());
    dSkip = addParameter(Parameter.builder().setName("D").setType(Parameter.Type.OTHER)
        .optShape(new Shape(e)).optInitializer(ai.djl.training.initializer.Initializer.ONES)
        .build());
  }

  public ScanRoute route() {
    return route;
  }

  /**
   * This route's weights for a {@link FusedMixer}, which runs everything {@link #forward} does
   * (with the shared gate) as one op.
   *
   * @param order the token order of the route before its reverse flag (null: position order)
   */
  public MixerRoute weights(ParameterStore ps, Device device, boolean training, int[] order) {
    NDArray convWeight = conv == null ? null
        : ps.getValue(conv.getParameters().get("weight"), device, training); // (E, 1, k)
    NDArray convBias = conv == null ? null
        : ps.getValue(conv.getParameters().get("bias"), device, training); // (E)
    return new MixerRoute(order, route.reverse(), convWeight, convBias,
        ps.getValue(xProj.getParameters().get("weight"), device, training), // (R + 2N, E)
        ps.getValue(dtWeight, device, training), // (E, R)
        ps.getValue(dtBias, device, training), // (E)
        ps.getValue(aLog, device, training), // (E, N)
        ps.getValue(dSkip, device, training)); // (E)
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.get(0); // (Bt, L, E)
    NDArray zT = inputs.size() > 1 ? inputs.get(1) : null; // (Bt, E, L)
    NDArray u = x; // (Bt, L, E)
    if (conv != null) {
      // Which form is cheaper depends on whether a backward follows (docs/benchmarks.md).
      NDArray c = !Backprop.isRecording() ? groupedConv(ps, x, training)
          : x.getShape().get(1) <= TOEPLITZ_MAX_LEN ? toeplitzConv(ps, x, training)
          : shiftedConv(ps, x, training); // (Bt, L, E)
      u = c.mul(Activation.sigmoid(c)); // SiLU
    }
    NDArray proj = xProj.forward(ps, new NDList(u), training).singletonOrThrow(); // (Bt, L, R + 2N)
    NDArray uT = u.transpose(0, 2, 1); // (Bt, E, L)
    int r = config.dtRank();
    int n = config.dState();
    NDList parts = proj.split(new long[] {r, r + n}, 2);
    NDArray dtLow = parts.get(0); // (Bt, L, R)
    NDArray bT = parts.get(1).transpose(0, 2, 1); // (Bt, N, L)
    NDArray cT = parts.get(2).transpose(0, 2, 1); // (Bt, N, L)
    NDArray w = ps.getValue(dtWeight, x.getDevice(), training); // (E, R)
    NDArray delta = dtLow.matMul(w.transpose()).transpose(0, 2, 1); // (Bt, E, L)
    NDArray a = ps.getValue(aLog, x.getDevice(), training).exp().neg(); // (E, N)
    NDArray d = ps.getValue(dSkip, x.getDevice(), training); // (E)
    NDArray bias = ps.getValue(dtBias, x.getDevice(), training); // (E)
    ScanInputs in = new ScanInputs(uT, delta, a, bT, cT, d, zT, bias, true, null, route.reverse());
    return new NDList(scan.scan(in).out());
  }

  /**
   * The depthwise conv of {@code x (Bt, L, E)} as the conv block's grouped convolution over
   * {@code (Bt, E, L)}, padded k-1 on both sides and cut to the route's L outputs. Four times
   * cheaper than {@link #toeplitzConv} in a forward at TSM2's shapes, but its backward is several
   * times dearer: used when nothing is recorded (evaluation).
   */
  NDArray groupedConv(ParameterStore ps, NDArray x, boolean training) {
    int k = config.dConv();
    long len = x.getShape().get(1);
    NDArray c = conv.forward(ps, new NDList(x.transpose(0, 2, 1)), training)
        .singletonOrThrow(); // (Bt, E, L + k - 1)
    NDArray cut = route.reverse() ? c.get(":, :, {}:", k - 1) : c.get(":, :, :{}", len);
    return cut.transpose(0, 2, 1);
  }

  /**
   * The depthwise conv of {@code x (Bt, L, E)} as one batched matmul per channel with its banded
   * (Toeplitz) matrix {@code T[e] (L, L)}, built from the taps by a matmul with a constant 0/1
   * selection: {@code T[e, t, s] = w[e, j]} where s = t + j - (k - 1) (causal; s = t + j for the
   * anti-causal route). Its backward is two batched matmuls: at TSM2's shapes much cheaper than
   * the backward of the grouped convolution (half of libtorch's backward time in a step) or of k
   * shifted multiply-adds (two passes per slice and per product). Its work grows with L per
   * element, so longer sequences than {@link #TOEPLITZ_MAX_LEN} take {@link #shiftedConv}.
   */
  NDArray toeplitzConv(ParameterStore ps, NDArray x, boolean training) {
    int k = config.dConv();
    int len = Math.toIntExact(x.getShape().get(1));
    NDArray w = ps.getValue(conv.getParameters().get("weight"), x.getDevice(), training)
        .reshape(-1, k); // (E, k)
    NDArray b = ps.getValue(conv.getParameters().get("bias"), x.getDevice(), training); // (E)
    int shift = route.reverse() ? 0 : -(k - 1);
    float[] sel = new float[k * len * len]; // (k, L * L)
    for (int j = 0; j < k; j++) {
      for (int t = 0; t < len; t++) {
        int s = t + j + shift;
        if (s >= 0 && s < len) {
          sel[j * len * len + t * len + s] = 1f;
        }
      }
    }
    NDArray select = x.getManager().create(sel, new Shape(k, (long) len * len))
        .toType(x.getDataType(), false);
    NDArray toeplitz = w.matMul(select).reshape(-1, len, len); // (E, L, L): T[e, t, s]
    NDArray xe = x.transpose(2, 0, 1); // (E, Bt, L)
    NDArray ue = xe.matMul(toeplitz.transpose(0, 2, 1)); // (E, Bt, L)
    return ue.transpose(1, 2, 0).add(b); // (Bt, L, E)
  }

  /**
   * The depthwise conv of {@code x (Bt, L, E)} as k shifted multiply-adds over zero-padded steps
   * (zeros before the sequence for the causal route, after it for the anti-causal one): work
   * linear in L, for sequences too long for the Toeplitz form.
   */
  NDArray shiftedConv(ParameterStore ps, NDArray x, boolean training) {
    int k = config.dConv();
    long len = x.getShape().get(1);
    NDArray taps = ps.getValue(conv.getParameters().get("weight"), x.getDevice(), training)
        .reshape(-1, k).transpose(); // (k, E): tap j of every channel
    NDArray b = ps.getValue(conv.getParameters().get("bias"), x.getDevice(), training); // (E)
    NDArray padded = x.pad(route.reverse() ? new Shape(0, 0, 0, k - 1) : new Shape(0, 0, k - 1, 0),
        0); // (Bt, L + k - 1, E)
    NDArray out = null;
    for (int j = 0; j < k; j++) {
      NDArray term = padded.get(":, {}:{}", j, j + len).mul(taps.get(j));
      out = out == null ? term : out.add(term);
    }
    return out.add(b);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape x = inputShapes[0];
    return new Shape[] {new Shape(x.get(0), config.dInner(), x.get(1))};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape x = inputShapes[0]; // (Bt, L, E)
    Shape xT = new Shape(x.get(0), x.get(2), x.get(1));
    if (conv != null) {
      conv.initialize(manager, dataType, xT);
    }
    xProj.initialize(manager, dataType, x);
  }
}
