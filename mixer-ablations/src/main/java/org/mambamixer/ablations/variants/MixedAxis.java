package org.mambamixer.ablations.variants;

import ai.djl.ndarray.types.Shape;
import org.mambamixer.api.util.Tensors;

/**
 * The axis a variant mixes along, checked against each input of layout (B, ..., S, ..., D): S on
 * {@code axis}, the features D last, every other axis a batch axis. Errors name the input's shape,
 * so a variant built for other axes or another d_model fails before the engine broadcasts.
 *
 * @param axis the mixed axis; never the batch (0) and, checked per input, never the features
 * @param dModel D, the size of the last axis
 */
public record MixedAxis(int axis, int dModel) {

  public MixedAxis {
    if (axis < 1) {
      throw new IllegalArgumentException("the mixed axis must be >= 1 (axis 0 is the batch), got "
          + axis);
    }
    Tensors.requirePositive("dModel", dModel);
  }

  /** S: the length of the mixed axis of an input, once its layout is checked. */
  public long length(Shape shape) {
    int rank = shape.dimension();
    if (axis >= rank - 1) {
      throw new IllegalArgumentException("input of rank " + rank + " " + shape
          + " has no axis " + axis + " to mix before the feature axis");
    }
    if (shape.get(rank - 1) != dModel) {
      throw new IllegalArgumentException("input must have d_model = " + dModel
          + " features on its last axis but has shape " + shape);
    }
    return shape.get(axis);
  }

  /**
   * S, as {@link #length} reads it, for a block whose weights were sized for {@code built} positions
   * on the axis: a dense map over the axis serves that one length only.
   */
  public long requireLength(Shape shape, long built, String block) {
    long s = length(shape);
    if (s != built) {
      throw new IllegalArgumentException(block + " was built for " + built + " positions on axis "
          + axis + " (its weights are sized by them) but got " + s + " in input " + shape);
    }
    return s;
  }
}
