package org.mambamixer.cuda.gpu;

import static org.bytedeco.cuda.global.cudart.cuMemAlloc;
import static org.bytedeco.cuda.global.cudart.cuMemFree;
import static org.bytedeco.cuda.global.cudart.cuMemcpyDtoH;
import static org.bytedeco.cuda.global.cudart.cuMemcpyHtoD;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.FloatPointer;

/**
 * The device buffers of one kernel call, all freed together by {@link #close()}. Pointers are
 * raw {@code CUdeviceptr} values; 0 stands for an absent (nullable) input.
 */
final class DeviceMemory implements AutoCloseable {

  private final List<Long> allocations = new ArrayList<>();

  /** An uninitialised buffer of {@code floats} floats. */
  long alloc(long floats) {
    long[] ptr = new long[1];
    // cuMemAlloc rejects 0 bytes; a one-float buffer keeps empty tensors legal.
    CudaDriver.check(cuMemAlloc(ptr, Math.max(1, floats) * Float.BYTES), "cuMemAlloc");
    allocations.add(ptr[0]);
    return ptr[0];
  }

  /** A copy of {@code host} on the device, or 0 when host is null. */
  long upload(float[] host) {
    if (host == null) {
      return 0L;
    }
    long ptr = alloc(host.length);
    try (FloatPointer staging = new FloatPointer(host)) {
      CudaDriver.check(cuMemcpyHtoD(ptr, staging, (long) host.length * Float.BYTES), "cuMemcpyHtoD");
    }
    return ptr;
  }

  /** Copies {@code floats} floats from the device into a new array. */
  float[] download(long ptr, int floats) {
    float[] host = new float[floats];
    try (FloatPointer staging = new FloatPointer(floats)) {
      CudaDriver.check(cuMemcpyDtoH(staging, ptr, (long) floats * Float.BYTES), "cuMemcpyDtoH");
      staging.get(host);
    }
    return host;
  }

  @Override
  public void close() {
    for (long ptr : allocations) {
      cuMemFree(ptr); // best effort: a failed free must not hide the call's own error
    }
    allocations.clear();
  }
}
