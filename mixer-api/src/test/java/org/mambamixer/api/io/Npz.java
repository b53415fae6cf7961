package org.mambamixer.api.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The golden vectors (NumPy {@code .npz}) as plain Java arrays, read by DJL's own {@link
 * NDList#decode}, which understands NumPy archives; kernel tests compare float arrays without the
 * engine in the loop, so the values are copied out once.
 */
public final class Npz {

  /** One array: its shape and its values widened to double (bool as 0/1). */
  public record Array(long[] shape, double[] data) {
    public float[] floats() {
      float[] f = new float[data.length];
      for (int i = 0; i < f.length; i++) {
        f[i] = (float) data[i];
      }
      return f;
    }

    public boolean bool() {
      return data.length == 1 && data[0] != 0;
    }
  }

  private Npz() {}

  /** Reads every array of an archive, keyed by its name in the archive. */
  public static Map<String, Array> read(Path file) throws IOException {
    Map<String, Array> out = new LinkedHashMap<>();
    try (NDManager m = NDManager.newBaseManager()) {
      NDList list;
      try {
        list = NDList.decode(m, Files.readAllBytes(file));
      } catch (RuntimeException e) {
        throw new IOException(file + " is not a readable .npz archive: " + e.getMessage(), e);
      }
      for (NDArray a : list) {
        NDArray wide = a.getDataType() == DataType.BOOLEAN
            ? a.toType(DataType.INT32, false).toType(DataType.FLOAT64, false)
            : a.toType(DataType.FLOAT64, false);
        out.put(a.getName(), new Array(a.getShape().getShape(), wide.toDoubleArray()));
      }
    }
    if (out.isEmpty()) {
      throw new IOException(file + " holds no arrays");
    }
    return out;
  }
}
