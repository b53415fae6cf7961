package org.mambamixer.api.block;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/**
 * LayerNorm over the last (feature) axis for inputs of any rank; DJL's LayerNorm block needs the
 * axis as a non-negative index, which ties it to one rank.
 */
public final class FeatureLayerNorm extends AbstractBlock {
  private final int features;
  private final float eps;
  private final Parameter gamma;
  private final Parameter beta;

  public FeatureLayerNorm(int features, float eps) {
    this.features = features;
    this.eps = eps;
    gamma = addParameter(Parameter.builder().setName("gamma").setType(Parameter.Type.GAMMA)
        .optShape(new Shape(features)).optInitializer(Initializer.ONES).build());
    beta = addParameter(Parameter.builder().setName("beta").setType(Parameter.Type.BETA)
        .optShape(new Shape(features)).optInitializer(Initializer.ZEROS).build());
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow(); // (..., D)
    return LayerNorm.layerNorm(x, new Shape(features),
        ps.getValue(gamma, x.getDevice(), training), ps.getValue(beta, x.getDevice(), training),
        eps);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
