package org.mambamixer.vision.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.util.List;
import org.mambamixer.api.mixer.ChannelMixer;
import org.mambamixer.api.mixer.MixerSpec;
import org.mambamixer.api.mixer.SelectiveMixer;
import org.mambamixer.api.scan.ScanRoute;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.api.ssm.S6Config;

/**
 * ViM2's selective channel mixer as decided in D7: token-independent and resolution-independent.
 * Every token is a batch element; its C channel values are the sequence, each value lifted to f
 * features by a channel-wise linear map ("CW-Linear" of Table 8), mixed by the bidirectional
 * selective mixer of D6 along the channel axis, and projected back to one value per channel.
 *
 * <pre>
 *   x (B, H, W, C) -> tokens (T, C), T = B*H*W
 *   lift: v[t, c] * w_in[c, :] + b_in[c, :]                (T, C, f)
 *   SelectiveMixer over the C axis, d_model = f, routes forward + backward
 *   project: sum_k h[t, c, k] * w_out[c, k] + b_out[c]       (T, C) -> (B, H, W, C)
 * </pre>
 *
 * Its parameters depend on C and f only, never on the number of tokens, so one model runs at any
 * resolution.
 */
public final class LiftedChannelMixer extends AbstractBlock implements ChannelMixer {
  private final int channels;
  private final int feature;
  private final Parameter liftWeight;
  private final Parameter liftBias;
  private final SelectiveMixer mixer;
  private final Parameter projWeight;
  private final Parameter projBias;

  /**
   * @param channels C, the sequence length of the channel scan
   * @param ssm the S6 over the lifted sequence; its d_model is the lift width f
   */
  public LiftedChannelMixer(int channels, S6Config ssm, SelectiveScan scan) {
    this.channels = channels;
    this.feature = ssm.dModel();
    // N(0, 1) lift keeps each lifted feature at the input's scale (a fan-in of one value).
    liftWeight = addParameter(Parameter.builder().setName("lift_weight")
        .setType(Parameter.Type.WEIGHT).optShape(new Shape(channels, feature))
        .optInitializer((m, s, t) -> m.randomNormal(0, 1, s, t)).build());
    liftBias = addParameter(Parameter.builder().setName("lift_bias").setType(Parameter.Type.BIAS)
        .optShape(new Shape(channels, feature)).optInitializer(Initializer.ZEROS).build());
    mixer = addChildBlock("mixer",
        new SelectiveMixer(ssm, 1, List.of(ScanRoute.FORWARD, ScanRoute.BACKWARD), scan));
    float bound = (float) (1.0 / Math.sqrt(feature));
    projWeight = addParameter(Parameter.builder().setName("proj_weight")
        .setType(Parameter.Type.WEIGHT).optShape(new Shape(channels, feature))
        .optInitializer((m, s, t) -> m.randomUniform(-bound, bound, s, t)).build());
    projBias = addParameter(Parameter.builder().setName("proj_bias").setType(Parameter.Type.BIAS)
        .optShape(new Shape(channels)).optInitializer(Initializer.ZEROS).build());
  }

  /**
   * {@code lifted}: the channel mixer of a ViM2 stage at the spec's width C. The lifted sequence
   * runs through Mamba's block at d_model f with the spec's state size N.
   */
  public static final class Factory implements ChannelMixer.Factory {
    /** f of D7: each channel value becomes four features. */
    public static final int DEFAULT_FEATURE = 4;

    private final int feature;
    private final Integer state;

    /** f = {@value #DEFAULT_FEATURE}, N from the spec: what the registry holds. */
    public Factory() {
      this.feature = DEFAULT_FEATURE;
      this.state = null;
    }

    /** Another lift width f and channel state size N (a {@link Vim2Config}'s own choice). */
    public Factory(int feature, int state) {
      this.feature = feature;
      this.state = state;
    }

    @Override
    public ChannelMixer create(MixerSpec spec, int layer, SelectiveScan scan) {
      int n = state != null ? state : spec.ssm().dState();
      return new LiftedChannelMixer(spec.dModel(), S6Config.mamba(feature).withDState(n), scan);
    }

    @Override
    public String description() {
      return "ViM2: token-independent channel mixer, each channel value lifted to f = 4"
          + " features, bidirectional S6 along the C channels, projected back (D7)";
    }
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    Shape shape = x.getShape();
    checkInput(shape);
    NDArray v = x.reshape(-1, channels, 1); // (T, C, 1)
    NDArray lifted = v.mul(ps.getValue(liftWeight, x.getDevice(), training))
        .add(ps.getValue(liftBias, x.getDevice(), training)); // (T, C, f)
    NDArray mixed = mixer.forward(ps, new NDList(lifted), training).singletonOrThrow(); // (T, C, f)
    NDArray out = mixed.mul(ps.getValue(projWeight, x.getDevice(), training)).sum(new int[] {2})
        .add(ps.getValue(projBias, x.getDevice(), training)); // (T, C)
    return new NDList(out.reshape(shape));
  }

  private void checkInput(Shape shape) {
    if (shape.dimension() < 2 || shape.get(shape.dimension() - 1) != channels) {
      throw new IllegalArgumentException("the channel mixer takes (..., C = " + channels
          + "), got " + shape);
    }
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape x = inputShapes[0];
    checkInput(x);
    mixer.initialize(manager, dataType, new Shape(x.size() / channels, channels, feature));
  }
}
