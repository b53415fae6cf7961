package org.mambamixer.api.util;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** Shape and value checks that name the offending tensor instead of letting the engine broadcast. */
public final class Tensors {
  private Tensors() {}

  /**
   * Checks {@code array} against an expected shape written with symbolic axis names.
   *
   * @param name the tensor's name in error messages, e.g. {@code "u"}
   * @param axes the axis names, e.g. {@code "(B, D, L)"}
   * @param expected the expected size of each axis; {@code -1} accepts any size
   */
  public static void requireShape(String name, NDArray array, String axes, long... expected) {
    if (array == null) {
      throw new IllegalArgumentException(name + " is required, expected shape " + axes);
    }
    Shape actual = array.getShape();
    boolean ok = actual.dimension() == expected.length;
    for (int i = 0; ok && i < expected.length; i++) {
      ok = expected[i] < 0 || actual.get(i) == expected[i];
    }
    if (!ok) {
      throw new IllegalArgumentException(
          name + " must have shape " + axes + " = " + describe(expected) + " but has " + actual);
    }
  }

  /**
   * Fails when the array holds a NaN or an infinity, naming the tensor. One reduction in the
   * common case: a finite sum proves every element finite; only a non-finite sum (a bad value,
   * or an overflow of large ones) pays for the elementwise test.
   */
  public static void requireFinite(String name, NDArray array) {
    if (array == null) {
      return;
    }
    try (NDArray sum = array.sum()) {
      if (Double.isFinite(sum.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble())) {
        return;
      }
    }
    NDArray bad = array.isNaN().logicalOr(array.isInfinite()).any();
    try {
      if (bad.getBoolean()) {
        throw new IllegalArgumentException(name + " contains NaN or infinite values");
      }
    } finally {
      bad.close();
    }
  }

  private static String describe(long[] expected) {
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < expected.length; i++) {
      sb.append(i > 0 ? ", " : "").append(expected[i] < 0 ? "*" : Long.toString(expected[i]));
    }
    return sb.append(')').toString();
  }

  /** Positive-size check for configuration fields. */
  public static int requirePositive(String field, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(field + " must be positive, got " + value);
    }
    return value;
  }
}
