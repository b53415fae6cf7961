package org.mambamixer.api.skip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.mambamixer.api.util.OpTimer;

/**
 * The weighted averaging of earlier features (spec §4, D8): learnable scalars per layer l
 *
 * <pre>
 *   x_Token^(l)   = sum_{i<l}  alpha_{l,i} y_Token^(i) + sum_{i<l} beta_{l,i}  y_Channel^(i)
 *   x_Channel^(l) = sum_{i<=l} theta_{l,i} y_Token^(i) + sum_{i<l} gamma_{l,i} y_Channel^(i)
 * </pre>
 *
 * 4l + 1 scalars in layer l, L(2L + 3) in all (the paper's count). Identity initialisation as in
 * DenseFormer: beta_{l,l-1} = 1 and theta_{l,l} = 1, every other weight 0, so at init the backbone
 * is a plain stack of residual sublayers and learns how much of the past to mix in.
 */
public final class WeightedAverage extends AbstractBlock implements SkipAggregation {

  /** The ablation switches of D8. */
  public enum Mode {
    /** Free scalars, identity init, no normalisation: the paper's form. */
    LEARNED,
    /** Each input's weights are a softmax over its scalars (uniform at init). */
    SOFTMAX,
    /** Weights fixed at the identity init: a plain residual stack, no learnable scalars. */
    FROZEN
  }

  private final int layers;
  private final Mode mode;
  private final List<Parameter> tokenWeights = new ArrayList<>(); // layer l: (2l) = [alpha; beta]
  private final List<Parameter> channelWeights = new ArrayList<>(); // (2l+1) = [theta; gamma]

  public WeightedAverage(int layers, Mode mode) {
    if (layers <= 0) {
      throw new IllegalArgumentException("layers must be positive, got " + layers);
    }
    this.layers = layers;
    this.mode = mode;
    if (mode == Mode.FROZEN) {
      return;
    }
    for (int l = 1; l <= layers; l++) {
      int token = 2 * l;
      int channel = 2 * l + 1;
      // Identity positions: beta_{l,l-1} is the last of [alpha(l); beta(l)], theta_{l,l} is index l.
      tokenWeights.add(addParameter(weights("token_" + l, token, token - 1)));
      channelWeights.add(addParameter(weights("channel_" + l, channel, l)));
    }
  }

  private Parameter weights(String name, int size, int identityIndex) {
    return Parameter.builder().setName(name).setType(Parameter.Type.OTHER)
        .optShape(new Shape(size))
        .optInitializer((NDManager m, Shape s, DataType t) -> {
          if (mode == Mode.SOFTMAX) {
            return m.zeros(s, t);
          }
          NDArray w = m.zeros(s, t);
          w.set(new ai.djl.ndarray.index.NDIndex(identityIndex), 1);
          return w;
        }).build();
  }

  public Mode mode() {
    return mode;
  }

  @Override
  public long scalarCount() {
    return mode == Mode.FROZEN ? 0 : (long) layers * (2L * layers + 3);
  }

  @Override
  public NDArray tokenInput(ParameterStore ps, int layer, List<NDArray> yToken,
      List<NDArray> yChannel, boolean training) {
    checkHistory(layer, yToken, layer, yChannel, layer);
    if (mode == Mode.FROZEN) {
      return yChannel.get(layer - 1);
    }
    return combine(ps, tokenWeights.get(layer - 1), yToken, yChannel, training);
  }

  @Override
  public NDArray channelInput(ParameterStore ps, int layer, List<NDArray> yToken,
      List<NDArray> yChannel, boolean training) {
    checkHistory(layer, yToken, layer + 1, yChannel, layer);
    if (mode == Mode.FROZEN) {
      return yToken.get(layer);
    }
    return combine(ps, channelWeights.get(layer - 1), yToken, yChannel, training);
  }

  private NDArray combine(ParameterStore ps, Parameter p, List<NDArray> first,
      List<NDArray> second, boolean training) {
    try (OpTimer.Section s = OpTimer.section(OpTimer.Family.WEIGHTED_AVERAGE)) {
      NDArray w = ps.getValue(p, first.get(0).getDevice(), training); // (n)
      if (mode == Mode.SOFTMAX) {
        w = w.softmax(0);
      }
      NDList scalars = w.split(w.getShape().get(0)); // n x (1)
      NDArray acc = null;
      int i = 0;
      for (List<NDArray> history : List.of(first, second)) {
        for (NDArray y : history) {
          NDArray term = y.mul(scalars.get(i++));
          acc = acc == null ? term : acc.add(term);
        }
      }
      return acc;
    }
  }

  private void checkHistory(int layer, List<NDArray> yToken, int tokens, List<NDArray> yChannel,
      int channels) {
    if (layer < 1 || layer > layers) {
      throw new IllegalArgumentException("layer must be in 1.." + layers + ", got " + layer);
    }
    if (yToken.size() != tokens || yChannel.size() != channels) {
      throw new IllegalArgumentException("layer " + layer + " needs " + tokens
          + " token-mixer outputs and " + channels + " channel-mixer outputs, got "
          + yToken.size() + " and " + yChannel.size());
    }
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    throw new UnsupportedOperationException(
        "WeightedAverage combines histories: call tokenInput/channelInput");
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
