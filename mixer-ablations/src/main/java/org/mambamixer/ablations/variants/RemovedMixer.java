package org.mambamixer.ablations.variants;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A mixer taken out of the model. The backbone wraps each mixer as x + Mixer(Norm(x)) (its residual
 * sublayer), so a mixer that returns zeros makes that sublayer the identity: y^(l) = x, exactly the
 * model without the mixer, with the layer count and the skip aggregation's bookkeeping unchanged.
 * Zeros of the input's shape, (B, ..., D), not tied to the input in the graph: nothing before a
 * removed mixer learns through it, so the pre-norm of its sublayer receives no gradient.
 *
 * <p>With the inner residual off (D9 ablation) the sublayer would output zeros and cut the signal;
 * the removal is meant for the default, residual sublayers.
 */
public class RemovedMixer extends AbstractBlock {

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(inputs.singletonOrThrow().zerosLike()); // (B, ..., D)
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
