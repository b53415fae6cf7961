package org.mambamixer.cuda.inject;

import org.mambamixer.api.scan.ScanBackend;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.cuda.bridge.KernelScan;
import org.mambamixer.cuda.cpu.CpuScanKernel;

/** {@code --scan cpu}: the fused CPU kernel (Vector API, multithreaded) behind the DJL bridge. */
public final class CpuBackend implements ScanBackend {
  @Override
  public SelectiveScan create() {
    return new KernelScan(new CpuScanKernel());
  }

  @Override
  public String description() {
    return "fused CPU kernel (Vector API, all cores), own backward through the gradient bridge";
  }
}
