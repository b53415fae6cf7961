package org.mambamixer.cuda.inject;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.mambamixer.api.scan.ReferenceScan;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.cuda.bridge.KernelScan;
import org.mambamixer.cuda.cpu.CpuScanKernel;
import org.mambamixer.cuda.gpu.CudaProbe;
import org.mambamixer.cuda.gpu.CudaScanKernel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The selective-scan backends a user can ask for ({@code --scan}). Asking for {@code cuda} where
 * it cannot run is an error that says why; only {@code auto} chooses, and it logs its choice once.
 */
public enum ScanBackend {
  /** DJL ops with engine autograd: the semantic reference, slow. */
  REFERENCE,
  /** The fused CPU kernel (Vector API, multithreaded). */
  CPU,
  /** The CUDA kernel (PTX through the driver API); needs an NVIDIA driver and device. */
  CUDA,
  /** CUDA when usable, else the CPU kernel. */
  AUTO;

  private static final Logger LOG = LoggerFactory.getLogger(ScanBackend.class);
  private static final AtomicBoolean AUTO_LOGGED = new AtomicBoolean();

  /** Parses a {@code --scan} value, naming the choices when it is unknown. */
  public static ScanBackend parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown scan backend '" + name + "'; choose one of "
          + Arrays.stream(values()).map(v -> v.name().toLowerCase(Locale.ROOT)).toList(), e);
    }
  }

  /** Builds the backend. */
  public SelectiveScan create() {
    return switch (this) {
      case REFERENCE -> new ReferenceScan();
      case CPU -> new KernelScan(new CpuScanKernel());
      case CUDA -> cuda();
      case AUTO -> {
        CudaProbe.Verdict v = CudaProbe.verdict();
        SelectiveScan chosen = v.available() ? cuda() : CPU.create();
        if (AUTO_LOGGED.compareAndSet(false, true)) {
          LOG.info("scan backend auto -> {}{}", chosen.name(),
              v.available() ? "" : " (CUDA unavailable: " + v.describe() + ")");
        }
        yield chosen;
      }
    };
  }

  private static SelectiveScan cuda() {
    CudaProbe.Verdict v = CudaProbe.verdict();
    if (!v.available()) {
      throw new IllegalStateException("scan backend cuda is unavailable: " + v.describe());
    }
    return new KernelScan(new CudaScanKernel());
  }

  public String flagName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
