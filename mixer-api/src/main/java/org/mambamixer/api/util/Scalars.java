package org.mambamixer.api.util;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Multiplying or dividing by a constant inside a graph that will be differentiated.
 *
 * <p>Why not {@code x.mul(Number)}: DJL 0.36 turns the number into a 0-d tensor over a Java direct
 * buffer ({@code from_blob}, not owned by the engine) and closes it right after the op. The engine
 * saves that tensor for the backward of {@code mul}/{@code div}/{@code pow}, so once a garbage
 * collection frees the buffer the backward reads freed memory: gradients turn NaN at random
 * batches (how {@code --skip frozen} failed). The constant made here is allocated by the engine,
 * which keeps it alive for as long as the graph needs it.
 */
public final class Scalars {
  private Scalars() {}

  /** {@code value} as an engine-owned 0-d tensor of {@code like}'s type, on its manager. */
  public static NDArray of(NDArray like, double value) {
    return like.getManager().full(new Shape(), (float) value, like.getDataType());
  }

  /** {@code x * value}, safe to differentiate. */
  public static NDArray times(NDArray x, double value) {
    return x.mul(of(x, value));
  }

  /** {@code x / value}, safe to differentiate. */
  public static NDArray over(NDArray x, double value) {
    return x.div(of(x, value));
  }
}
