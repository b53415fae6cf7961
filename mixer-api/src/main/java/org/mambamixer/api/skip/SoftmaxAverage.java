package org.mambamixer.api.skip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * D8's {@code softmax} ablation: each input's weights are a softmax over its scalars, a convex
 * combination of the earlier features. The scalars start at 0 (uniform weights), since an identity
 * init is not expressible under a softmax.
 */
public final class SoftmaxAverage extends WeightedAverage {
  public SoftmaxAverage(int layers) {
    super(layers);
  }

  @Override
  protected NDArray initial(NDManager m, Shape shape, DataType type, int identityIndex) {
    return m.zeros(shape, type);
  }

  @Override
  protected NDArray weightsFrom(NDArray raw) {
    return raw.softmax(0);
  }

  /** {@code softmax} in the skip registry. */
  public static final class Factory implements SkipAggregation.Factory {
    @Override
    public SkipAggregation create(int layers) {
      return new SoftmaxAverage(layers);
    }

    @Override
    public String description() {
      return "softmax-normalised learned weights, uniform init (D8 ablation)";
    }
  }
}
