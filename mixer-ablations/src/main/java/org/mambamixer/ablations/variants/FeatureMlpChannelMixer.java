package org.mambamixer.ablations.variants;

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
 * The Transformer's feed-forward block in the channel-mixer slot: an MLP over the feature axis D
 * of every token on its own (D -> 2D -> D, GELU). It mixes no channels (variates) and no tokens,
 * which is what makes a PatchTST-style model channel-independent.
 *
 * <pre>
 *   x (B, ..., D) -> Linear(D, 2D) -> GELU -> Linear(2D, D) -> (B, ..., D)
 * </pre>
 */
public final class FeatureMlpChannelMixer extends AbstractBlock implements ChannelMixer {
  private final Linear up;
  private final Linear down;

  public FeatureMlpChannelMixer(MixerSpec spec) {
    int d = spec.dModel();
    up = addChildBlock("up", Linear.builder().setUnits(2L * d).build());
    up.setInitializer(Init.FAN_IN_UNIFORM, Parameter.Type.WEIGHT);
    down = addChildBlock("down", Linear.builder().setUnits(d).build());
    down.setInitializer(Init.FAN_IN_UNIFORM, Parameter.Type.WEIGHT);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray h = up.forward(ps, inputs, training).singletonOrThrow(); // (B, ..., 2D)
    return down.forward(ps, new NDList(Activation.gelu(h)), training); // (B, ..., D)
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    up.initialize(manager, dataType, inputShapes);
    Shape hidden = inputShapes[0].slice(0, inputShapes[0].dimension() - 1)
        .add(2L * inputShapes[0].get(inputShapes[0].dimension() - 1));
    down.initialize(manager, dataType, hidden);
  }

  /** {@code feature-mlp} in the channel-mixer registry. */
  public static final class Factory implements ChannelMixer.Factory {
    @Override
    public ChannelMixer create(MixerSpec spec, int layer, SelectiveScan scan) {
      return new FeatureMlpChannelMixer(spec);
    }

    @Override
    public String description() {
      return "Transformer feed-forward over each token's features; mixes no channels";
    }
  }
}
