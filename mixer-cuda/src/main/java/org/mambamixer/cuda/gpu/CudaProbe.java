package org.mambamixer.cuda.gpu;

import static org.bytedeco.cuda.global.cudart.cuDeviceGetCount;
import static org.bytedeco.cuda.global.cudart.cuInit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.Loader;

/**
 * Whether the CUDA backend can run in this JVM, decided once and cached with its reason.
 *
 * <p>bytedeco's CUDA bindings link against the driver (libcuda.so.1): on a machine without one,
 * loading {@link cudart} throws, and the class then stays unusable for the life of the JVM. So
 * the probe touches it exactly once, inside {@code catch (Throwable)}, and never retries.
 */
public final class CudaProbe {

  /** Class-path resource of the kernels, built by nvcc (profile cuda-ptx of mixer-cuda). */
  static final String PTX_RESOURCE = "/org/mambamixer/cuda/gpu/selective_scan.ptx";

  private static final int CUDA_ERROR_NO_DEVICE = 100;
  private static final int CUDA_ERROR_STUB_LIBRARY = 34;
  private static final int CUDA_ERROR_INSUFFICIENT_DRIVER = 35;

  /** Why the backend is or is not usable. */
  public enum Reason {
    AVAILABLE,
    NO_DRIVER,
    NO_DEVICE,
    NO_PTX,
    OTHER
  }

  /**
   * The cached verdict.
   *
   * @param reason the category
   * @param detail a human-readable explanation (the loader's or driver's own message)
   * @param devices the number of CUDA devices (0 unless the driver answered)
   */
  public record Verdict(Reason reason, String detail, int devices) {

    public boolean available() {
      return reason == Reason.AVAILABLE;
    }

    /** One line for logs and error messages. */
    public String describe() {
      return available() ? "CUDA available: " + detail : "CUDA unavailable: " + detail;
    }
  }

  private static final class Holder {
    static final Verdict VERDICT = probe();
  }

  private CudaProbe() {}

  /** Probes on first call; every later call returns the same verdict. */
  public static Verdict verdict() {
    return Holder.VERDICT;
  }

  /** The PTX text of the kernels; call only when {@link #verdict()} is available. */
  static byte[] ptx() {
    try (InputStream in = CudaProbe.class.getResourceAsStream(PTX_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("no PTX resource " + PTX_RESOURCE);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + PTX_RESOURCE, e);
    }
  }

  private static Verdict probe() {
    try {
      Loader.load(cudart.class);
    } catch (Throwable t) { // UnsatisfiedLinkError, NoClassDefFoundError, ExceptionInInitializerError
      String chain = messages(t);
      if (chain.contains("libcuda.so")) {
        return new Verdict(Reason.NO_DRIVER,
            "no NVIDIA driver: libcuda.so.1 cannot be loaded (" + rootCause(t).getMessage() + ")", 0);
      }
      return new Verdict(Reason.OTHER, "bytedeco CUDA bindings failed to load: " + chain, 0);
    }
    try {
      int init = cuInit(0);
      if (init != 0) {
        Reason reason = switch (init) {
          case CUDA_ERROR_NO_DEVICE -> Reason.NO_DEVICE;
          case CUDA_ERROR_STUB_LIBRARY, CUDA_ERROR_INSUFFICIENT_DRIVER -> Reason.NO_DRIVER;
          default -> Reason.OTHER;
        };
        return new Verdict(reason, "cuInit failed: " + CudaDriver.errorName(init), 0);
      }
      int[] count = new int[1];
      int result = cuDeviceGetCount(count);
      if (result != 0) {
        return new Verdict(result == CUDA_ERROR_INSUFFICIENT_DRIVER ? Reason.NO_DRIVER : Reason.OTHER,
            "cuDeviceGetCount failed: " + CudaDriver.errorName(result), 0);
      }
      if (count[0] == 0) {
        return new Verdict(Reason.NO_DEVICE, "the driver reports no CUDA device", 0);
      }
      if (CudaProbe.class.getResource(PTX_RESOURCE) == null) {
        return new Verdict(Reason.NO_PTX, "no PTX was built (" + PTX_RESOURCE
            + " missing: build mixer-cuda where nvcc is installed)", count[0]);
      }
      return new Verdict(Reason.AVAILABLE, count[0] + " device(s), first: " + CudaDriver.deviceName(0),
          count[0]);
    } catch (Throwable t) {
      return new Verdict(Reason.OTHER, "CUDA driver probe failed: " + messages(t), 0);
    }
  }

  private static Throwable rootCause(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root;
  }

  /** The messages of t and its causes, outermost first. */
  private static String messages(Throwable t) {
    StringBuilder text = new StringBuilder();
    for (Throwable e = t; e != null; e = e.getCause() == e ? null : e.getCause()) {
      text.append(text.length() == 0 ? "" : " <- ")
          .append(e.getClass().getSimpleName()).append(": ").append(e.getMessage());
    }
    return text.toString();
  }
}
