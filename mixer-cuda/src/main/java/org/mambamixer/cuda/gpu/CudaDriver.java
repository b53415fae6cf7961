package org.mambamixer.cuda.gpu;

import static org.bytedeco.cuda.global.cudart.cuDeviceGet;
import static org.bytedeco.cuda.global.cudart.cuDeviceGetName;
import static org.bytedeco.cuda.global.cudart.cuGetErrorName;
import static org.bytedeco.cuda.global.cudart.cuLaunchKernel;

import java.nio.charset.StandardCharsets;
import org.bytedeco.cuda.cudart.CUfunc_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Thin helpers over bytedeco's driver API ({@code cu*} functions of {@code global.cudart}). Only
 * call after {@link CudaProbe#verdict()} said the bindings load.
 */
final class CudaDriver {

  private CudaDriver() {}

  /** Throws naming the call and the driver's error when {@code result} is not CUDA_SUCCESS. */
  static void check(int result, String call) {
    if (result != 0) {
      throw new IllegalStateException(call + " failed: " + errorName(result));
    }
  }

  /** "CUDA_ERROR_NO_DEVICE (100)". */
  static String errorName(int result) {
    BytePointer name = new BytePointer((Pointer) null);
    if (cuGetErrorName(result, name) != 0 || name.isNull()) {
      return "CUDA error " + result;
    }
    return name.getString() + " (" + result + ")";
  }

  static String deviceName(int ordinal) {
    int[] device = new int[1];
    check(cuDeviceGet(device, ordinal), "cuDeviceGet");
    byte[] name = new byte[256];
    check(cuDeviceGetName(name, name.length, device[0]), "cuDeviceGetName");
    int end = 0;
    while (end < name.length && name[end] != 0) {
      end++;
    }
    return new String(name, 0, end, StandardCharsets.UTF_8);
  }

  /**
   * Launches a 1-D grid on the default stream. Each argument is a device pointer or a 64-bit
   * count ({@link Long}) or a 32-bit int ({@link Integer}), matching the kernel's parameter types.
   */
  static void launch(CUfunc_st function, String name, long blocks, int threads, Object... args) {
    if (blocks > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(name + ": " + blocks + " blocks exceed the grid limit");
    }
    Pointer[] values = new Pointer[args.length];
    try (PointerPointer<Pointer> params = new PointerPointer<>(args.length)) {
      for (int i = 0; i < args.length; i++) {
        values[i] = box(args[i], name, i);
        params.put(i, values[i]);
      }
      check(cuLaunchKernel(function, (int) blocks, 1, 1, threads, 1, 1, 0, (CUstream_st) null,
          params, (PointerPointer<?>) null), "cuLaunchKernel(" + name + ")");
    } finally {
      for (Pointer value : values) {
        if (value != null) {
          value.close();
        }
      }
    }
  }

  private static Pointer box(Object arg, String name, int index) {
    if (arg instanceof Long value) {
      return new LongPointer(1).put(value);
    }
    if (arg instanceof Integer value) {
      return new IntPointer(1).put(value);
    }
    throw new IllegalArgumentException(name + ": argument " + index + " is "
        + (arg == null ? "null" : "a " + arg.getClass().getSimpleName()) + ", expected Long (pointer or count) or Integer");
  }
}
