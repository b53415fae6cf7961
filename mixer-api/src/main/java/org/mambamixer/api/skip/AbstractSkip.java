package org.mambamixer.api.skip;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * What every skip aggregation shares: its layer count and the block plumbing. Its inputs are
 * histories of varying length, so {@link SkipAggregation#tokenInput} and {@link
 * SkipAggregation#channelInput} are its forward; the untyped forward is refused.
 */
abstract class AbstractSkip extends AbstractBlock implements SkipAggregation {
  protected final int layers;

  AbstractSkip(int layers) {
    if (layers <= 0) {
      throw new IllegalArgumentException("layers must be positive, got " + layers);
    }
    this.layers = layers;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    throw new UnsupportedOperationException(
        "a skip aggregation combines histories: call tokenInput/channelInput");
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
