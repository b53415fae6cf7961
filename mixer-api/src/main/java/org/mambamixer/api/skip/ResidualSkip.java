package org.mambamixer.api.skip;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import java.util.List;

/**
 * D8's "off": no averaging. Each mixer reads only the latest output, so the backbone is a plain
 * stack of pre-norm residual sublayers (token, channel, token, ...), as in Mamba or TSMixer.
 */
public final class ResidualSkip extends AbstractSkip {

  public ResidualSkip(int layers) {
    super(layers);
  }

  @Override
  public NDArray tokenInput(ParameterStore ps, int layer, List<NDArray> yToken,
      List<NDArray> yChannel, boolean training) {
    Histories.checkToken(layers, layer, yToken, yChannel);
    return yChannel.get(layer - 1);
  }

  @Override
  public NDArray channelInput(ParameterStore ps, int layer, List<NDArray> yToken,
      List<NDArray> yChannel, boolean training) {
    Histories.checkChannel(layers, layer, yToken, yChannel);
    return yToken.get(layer);
  }

  @Override
  public long scalarCount() {
    return 0;
  }

  /** {@code residual} in the skip registry. */
  public static final class Factory implements SkipAggregation.Factory {
    @Override
    public SkipAggregation create(int layers) {
      return new ResidualSkip(layers);
    }

    @Override
    public String description() {
      return "no averaging: a plain stack of residual sublayers (D8 'off')";
    }
  }
}
