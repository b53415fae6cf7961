package org.mambamixer.api.skip;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.List;

/**
 * How each layer's mixers see earlier features (spec §4). For layer l (1-based), with
 * y_Token^(0) = y_Channel^(0) = x:
 *
 * <pre>
 *   x_Token^(l)   = f(y_Token^(0..l-1), y_Channel^(0..l-1))
 *   x_Channel^(l) = g(y_Token^(0..l),   y_Channel^(0..l-1))
 * </pre>
 *
 * A block so its parameters train, save and load with the model; its inputs are histories of
 * varying length, so the two typed methods below are its forward.
 */
public interface SkipAggregation extends Block {

  /** x_Token^(l) from {@code yToken} = y_Token^(0..l-1) and {@code yChannel} = y_Channel^(0..l-1). */
  NDArray tokenInput(ParameterStore ps, int layer, List<NDArray> yToken, List<NDArray> yChannel,
      boolean training);

  /** x_Channel^(l) from {@code yToken} = y_Token^(0..l) and {@code yChannel} = y_Channel^(0..l-1). */
  NDArray channelInput(ParameterStore ps, int layer, List<NDArray> yToken, List<NDArray> yChannel,
      boolean training);

  /** Learnable scalars it holds. */
  long scalarCount();

  /** Builds the aggregation for a backbone of {@code layers} layers; registered by name. */
  interface Factory {
    SkipAggregation create(int layers);

    /** One line for {@code ./mambamixer variants}. */
    String description();
  }
}
