package org.mambamixer.ablations.baselines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.mambamixer.api.block.HashDropout;
import org.mambamixer.api.scan.Backprop;
import org.mambamixer.api.ssm.Init;
import org.mambamixer.cuda.bridge.FeatureMlpOp;
import org.mambamixer.cuda.cpu.FeatureMlpKernel;

/**
 * One mixer layer of TSMixer (Chen et al. 2023): a time-mixing MLP over the raw time steps,
 * shared by every variate, then a feature-mixing MLP over the variates, shared by every time step;
 * each normalised first and added back to its input.
 *
 * <pre>
 *   time mixing     x (B, L, M) + Dropout(ReLU(Linear_L->L over time of BN(x)))         (B, L, M)
 *   feature mixing  x + Dropout(Linear_F->M(Dropout(ReLU(Linear_M->F(BN(x))))))         (B, L, M)
 * </pre>
 *
 * BN is the paper's 2-D batch norm: statistics over the batch for every (time step, variate)
 * cell on its own, with an affine map per cell, as a Keras BatchNormalization over the last two
 * axes (momentum 0.99, epsilon 1e-3, the Keras defaults the reference code keeps).
 *
 * <p>With a {@link FeatureMlpOp} the feature MLP runs as one op that never stores its (B, L, F)
 * hidden (the same weights, the same dropout masks); without one, as the engine's ops.
 */
final class TsMixerBlock extends AbstractBlock {
  private final int lookback;
  private final int variates;
  private final BatchNorm timeNorm;
  private final Linear time;
  private final HashDropout timeDropout;
  private final BatchNorm featureNorm;
  private final Linear up;
  private final HashDropout upDropout;
  private final Linear down;
  private final HashDropout downDropout;
  private final float dropout;
  private final FeatureMlpOp fused;

  /** @param fused the feature MLP as one op, or null for the engine's ops */
  TsMixerBlock(int lookback, int variates, int hidden, float dropout, FeatureMlpOp fused) {
    this.lookback = lookback;
    this.variates = variates;
    this.dropout = dropout;
    this.fused = fused;
    timeNorm = addChildBlock("time_norm", norm());
    time = addChildBlock("time", Init.fanInLinear(lookback));
    timeDropout = addChildBlock("time_dropout", new HashDropout(dropout));
    featureNorm = addChildBlock("feature_norm", norm());
    up = addChildBlock("up", Init.fanInLinear(hidden));
    upDropout = addChildBlock("up_dropout", new HashDropout(dropout));
    down = addChildBlock("down", Init.fanInLinear(variates));
    downDropout = addChildBlock("down_dropout", new HashDropout(dropout));
  }

  private static BatchNorm norm() {
    return BatchNorm.builder().optAxis(1).optMomentum(0.99f).optEpsilon(1e-3f).build();
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    if (fused != null) { // its deferred gradient's pass then ends at this block, not the input
      x = Backprop.cut(x);
    }
    x = timeMixing(ps, x, training);
    return new NDList(featureMixing(ps, x, training));
  }

  /** {@code x (B, L, M)} plus the time MLP of its normalised self: each variate on its own. */
  NDArray timeMixing(ParameterStore ps, NDArray x, boolean training) {
    NDArray n = normalise(ps, timeNorm, x, training).transpose(0, 2, 1); // (B, M, L)
    NDArray t = Activation.relu(time.forward(ps, new NDList(n), training).singletonOrThrow());
    NDArray y = timeDropout.forward(ps, new NDList(t.transpose(0, 2, 1)), training)
        .singletonOrThrow(); // (B, L, M)
    return x.add(y);
  }

  /** {@code x (B, L, M)} plus the variate MLP of its normalised self: each time step on its own. */
  NDArray featureMixing(ParameterStore ps, NDArray x, boolean training) {
    NDArray n = normalise(ps, featureNorm, x, training);
    NDArray y; // (B, L, M)
    if (fused != null) {
      FeatureMlpKernel.Dropout drop = training && dropout > 0f
          ? new FeatureMlpKernel.Dropout(HashDropout.seed(x.getManager()), 1f - dropout) : null;
      y = fused.forward(n, weight(ps, up, "weight", n, training),
          weight(ps, up, "bias", n, training), weight(ps, down, "weight", n, training),
          weight(ps, down, "bias", n, training), drop);
    } else {
      NDArray h = Activation.relu(up.forward(ps, new NDList(n), training).singletonOrThrow());
      h = upDropout.forward(ps, new NDList(h), training).singletonOrThrow(); // (B, L, F)
      y = down.forward(ps, new NDList(h), training).singletonOrThrow();
    }
    return x.add(downDropout.forward(ps, new NDList(y), training).singletonOrThrow());
  }

  private static NDArray weight(ParameterStore ps, Linear linear, String name, NDArray x,
      boolean training) {
    return ps.getValue(linear.getParameters().get(name), x.getDevice(), training);
  }

  /**
   * Batch norm per (time step, variate) cell: the cells as the channels of (B, L * M). A training
   * batch of one window (the last of an ETTh1 epoch at lookback 512: 8,033 = 251 x 32 + 1) has no
   * batch variance, which PyTorch refuses; it is normalised with the running statistics instead.
   */
  private NDArray normalise(ParameterStore ps, BatchNorm norm, NDArray x, boolean training) {
    long b = x.getShape().get(0);
    NDArray flat = x.reshape(b, (long) lookback * variates);
    return norm.forward(ps, new NDList(flat), training && b > 1).singletonOrThrow()
        .reshape(b, lookback, variates);
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    long b = inputShapes[0].get(0);
    Shape cells = new Shape(b, (long) lookback * variates);
    timeNorm.initialize(manager, dataType, cells);
    featureNorm.initialize(manager, dataType, cells);
    Shape series = new Shape(b, variates, lookback);
    time.initialize(manager, dataType, series);
    timeDropout.initialize(manager, dataType, inputShapes[0]);
    up.initialize(manager, dataType, inputShapes[0]);
    Shape hidden = up.getOutputShapes(new Shape[] {inputShapes[0]})[0];
    upDropout.initialize(manager, dataType, hidden);
    down.initialize(manager, dataType, hidden);
    downDropout.initialize(manager, dataType, inputShapes[0]);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
