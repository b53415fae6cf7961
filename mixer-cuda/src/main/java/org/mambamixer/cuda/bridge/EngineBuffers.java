package org.mambamixer.cuda.bridge;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.FloatBuffer;

/** How the bridges hand engine tensors to the CPU kernels: in place where they can. */
final class EngineBuffers {
  private EngineBuffers() {}

  /** x as one contiguous float32 run: a view when it already is one, else a copy. */
  static NDArray contiguous(NDArray x) {
    return x.getDataType() == DataType.FLOAT32 ? x.flatten()
        : x.toType(DataType.FLOAT32, false).flatten();
  }

  /** The engine's memory of a contiguous tensor, read and written in place. */
  static FloatBuffer buffer(NDArray contiguous) {
    return contiguous.toByteBuffer(true).asFloatBuffer();
  }

  /** A small weight's values (null stays null). */
  static float[] floats(NDArray x) {
    if (x == null) {
      return null;
    }
    try (NDArray f = contiguous(x)) {
      float[] r = new float[Math.toIntExact(f.size())];
      buffer(f).get(r);
      return r;
    }
  }

  static NDArray tensor(NDManager m, float[] data, Shape shape) {
    NDArray t = m.create(shape, DataType.FLOAT32);
    buffer(t).put(data);
    return t;
  }
}
