package org.mambamixer.timeseries.model;

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
 * The paper's "2D normalization on both time and feature dimensions" (from TSMixer): a LayerNorm
 * over the last two axes jointly, (patches, features), with an elementwise affine map.
 */
public final class Norm2d extends AbstractBlock {
  private final Shape normalized;
  private final Parameter gamma;
  private final Parameter beta;

  public Norm2d(int patches, int features) {
    normalized = new Shape(patches, features);
    gamma = addParameter(Parameter.builder().setName("gamma").setType(Parameter.Type.GAMMA)
        .optShape(normalized).optInitializer(Initializer.ONES).build());
    beta = addParameter(Parameter.builder().setName("beta").setType(Parameter.Type.BETA)
        .optShape(normalized).optInitializer(Initializer.ZEROS).build());
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow(); // (B, M, Np, D)
    return LayerNorm.layerNorm(x, normalized, ps.getValue(gamma, x.getDevice(), training),
        ps.getValue(beta, x.getDevice(), training), 1e-5f);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
