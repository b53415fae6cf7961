package org.mambamixer.sequence.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.mambamixer.api.mixer.ChannelMixer;
import org.mambamixer.api.mixer.MixerSpec;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.api.ssm.Init;

/**
 * A two-layer MLP over the feature axis of each token: Linear(D -> 2D) - GELU - Linear(2D -> D),
 * the channel mixing of MLP-Mixer. It reads one token at a time, so it is token-local in any
 * layout and needs no recurrent form: the recurrent classifier applies it to each step as it is.
 */
public final class FeatureMlp extends AbstractBlock implements ChannelMixer {
  static final int EXPANSION = 2;
  private final Linear up;
  private final Linear down;

  public FeatureMlp(int dModel) {
    up = addChildBlock("up", Linear.builder().setUnits((long) EXPANSION * dModel).build());
    up.setInitializer(Init.FAN_IN_UNIFORM, Parameter.Type.WEIGHT);
    down = addChildBlock("down", Linear.builder().setUnits(dModel).build());
    down.setInitializer(Init.FAN_IN_UNIFORM, Parameter.Type.WEIGHT);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow(); // (..., D)
    NDArray h = Activation.gelu(up.forward(ps, new NDList(x), training).singletonOrThrow());
    return down.forward(ps, new NDList(h), training); // (..., D)
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape x = inputShapes[0];
    up.initialize(manager, dataType, x);
    down.initialize(manager, dataType, x.slice(0, x.dimension() - 1).add(EXPANSION * x.tail()));
  }

  /** {@code feature-mlp} in the channel-mixer registry. */
  public static final class Factory implements ChannelMixer.Factory {
    @Override
    public ChannelMixer create(MixerSpec spec, int layer, SelectiveScan scan) {
      return new FeatureMlp(spec.dModel());
    }

    @Override
    public String description() {
      return "Linear(D->2D)-GELU-Linear(2D->D) over each token's features (token-local)";
    }
  }
}
