package org.mambamixer.api.util;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Copies between engine tensors and Java float arrays for ops that compute on the host (the scan
 * kernels' bridge, the fused conv): one pass each way, no garbage beyond the array itself.
 */
public final class HostArrays {
  private HostArrays() {}

  /**
   * A contiguous float32 copy, or null for null. {@code flatten} makes a strided view contiguous (a
   * view otherwise) and its buffer is read in place; DJL's {@code toFloatArray} copies through an
   * extra byte array.
   */
  public static float[] floats(NDArray x) {
    if (x == null) {
      return null;
    }
    try (NDArray f = x.getDataType() == DataType.FLOAT32 ? x.flatten()
        : x.toType(DataType.FLOAT32, false).flatten()) {
      float[] r = new float[Math.toIntExact(f.size())];
      f.toByteBuffer(true).asFloatBuffer().get(r);
      return r;
    }
  }

  /**
   * {@code data} as a new float32 tensor of {@code shape}, written into memory the engine allocates,
   * so it is freed when the tensor is closed; {@code NDManager.create(float[])} backs the tensor
   * with a Java direct buffer that only a garbage collection frees.
   */
  public static NDArray tensor(NDManager m, float[] data, Shape shape) {
    NDArray t = m.create(shape, DataType.FLOAT32);
    t.toByteBuffer(true).asFloatBuffer().put(data);
    return t;
  }
}
