package org.mambamixer.api.block;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/** RMSNorm over the last axis: x / sqrt(mean(x^2) + eps) * weight (the D9 alternative). */
public final class RmsNorm extends AbstractBlock {
  private final float eps;
  private final Parameter weight;

  public RmsNorm(int features, float eps) {
    this.eps = eps;
    weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.GAMMA)
        .optShape(new Shape(features)).optInitializer(Initializer.ONES).build());
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow(); // (..., D)
    NDArray w = ps.getValue(weight, x.getDevice(), training);
    NDArray rms = x.square().mean(new int[] {-1}, true).add(eps).sqrt(); // (..., 1)
    return new NDList(x.div(rms).mul(w));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
