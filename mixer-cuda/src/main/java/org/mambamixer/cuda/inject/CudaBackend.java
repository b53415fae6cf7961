package org.mambamixer.cuda.inject;

import org.mambamixer.api.scan.ScanBackend;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.cuda.bridge.KernelScan;
import org.mambamixer.cuda.gpu.CudaProbe;
import org.mambamixer.cuda.gpu.CudaScanKernel;

/**
 * {@code --scan cuda}: the CUDA kernel (PTX through the driver API). Asking for it where it cannot
 * run is an error whose one-line message is the probe's reason.
 */
public final class CudaBackend implements ScanBackend {
  @Override
  public SelectiveScan create() {
    CudaProbe.Verdict v = CudaProbe.verdict();
    if (!v.available()) {
      throw new IllegalStateException("scan backend cuda is unavailable: " + v.describe());
    }
    return new KernelScan(new CudaScanKernel());
  }

  @Override
  public String description() {
    return "CUDA kernel (PTX via the driver API); needs an NVIDIA driver and device";
  }
}
