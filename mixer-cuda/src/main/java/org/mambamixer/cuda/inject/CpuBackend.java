package org.mambamixer.cuda.inject;

import org.mambamixer.api.scan.ScanBackend;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.cuda.bridge.KernelScan;
import org.mambamixer.cuda.cpu.CpuScanKernel;

/**
 * {@code --scan cpu}: the CPU scan kernel (Vector API, multithreaded) behind the DJL bridge; the
 * mixers around it run on engine ops. Kept to compare with {@code fused}.
 */
public final class CpuBackend implements ScanBackend {
  @Override
  public SelectiveScan create() {
    return new KernelScan(new CpuScanKernel());
  }

  @Override
  public String description() {
    return "CPU scan kernel (Vector API, all cores), own backward through the gradient bridge;"
        + " the rest of each mixer on engine ops";
  }
}
