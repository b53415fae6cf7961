package org.mambamixer.api.skip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;

/**
 * The weighted averaging of earlier features (spec §4, D8), registered as {@code learned}:
 * learnable scalars per layer l
 *
 * <pre>
 *   x_Token^(l)   = sum_{i<l}  alpha_{l,i} y_Token^(i) + sum_{i<l} beta_{l,i}  y_Channel^(i)
 *   x_Channel^(l) = sum_{i<=l} theta_{l,i} y_Token^(i) + sum_{i<l} gamma_{l,i} y_Channel^(i)
 * </pre>
 *
 * 4l + 1 scalars in layer l, L(2L + 3) in all (the paper's count). Identity initialisation as in
 * DenseFormer: beta_{l,l-1} = 1 and theta_{l,l} = 1, every other weight 0, so at init the backbone
 * is a plain stack of residual sublayers and learns how much of the past to mix in. Subclasses
 * change the initial weights and how raw scalars become weights ({@link SoftmaxAverage}).
 */
public class WeightedAverage extends AbstractSkip {
  private final List<Parameter> tokenWeights = new ArrayList<>(); // layer l: (2l) = [alpha; beta]
  private final List<Parameter> channelWeights = new ArrayList<>(); // (2l+1) = [theta; gamma]

  public WeightedAverage(int layers) {
    super(layers);
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
        .optInitializer((NDManager m, Shape s, DataType t) -> initial(m, s, t, identityIndex))
        .build();
  }

  /** The raw scalars at init: the identity (1 at the latest output, 0 elsewhere). */
  protected NDArray initial(NDManager m, Shape shape, DataType type, int identityIndex) {
    NDArray w = m.zeros(shape, type);
    w.set(new NDIndex(identityIndex), 1);
    return w;
  }

  /** The weights used from the raw scalars {@code raw (n)}: as they are, in the paper's form. */
  protected NDArray weightsFrom(NDArray raw) {
    return raw;
  }

  @Override
  public long scalarCount() {
    return (long) layers * (2L * layers + 3);
  }

  @Override
  public NDArray tokenInput(ParameterStore ps, int layer, List<NDArray> yToken,
      List<NDArray> yChannel, boolean training) {
    Histories.checkToken(layers, layer, yToken, yChannel);
    return combine(ps, tokenWeights.get(layer - 1), yToken, yChannel, training);
  }

  @Override
  public NDArray channelInput(ParameterStore ps, int layer, List<NDArray> yToken,
      List<NDArray> yChannel, boolean training) {
    Histories.checkChannel(layers, layer, yToken, yChannel);
    return combine(ps, channelWeights.get(layer - 1), yToken, yChannel, training);
  }

  private NDArray combine(ParameterStore ps, Parameter p, List<NDArray> first,
      List<NDArray> second, boolean training) {
    NDArray w = weightsFrom(ps.getValue(p, first.get(0).getDevice(), training)); // (n)
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

  /** {@code learned} in the skip registry. */
  public static final class Factory implements SkipAggregation.Factory {
    @Override
    public SkipAggregation create(int layers) {
      return new WeightedAverage(layers);
    }

    @Override
    public String description() {
      return "learned weighted average of all earlier outputs, identity init (the paper, D8)";
    }
  }
}
