package org.mambamixer.cuda.inject;

import org.mambamixer.api.scan.ScanBackend;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.cuda.gpu.CudaProbe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code --scan auto}: CUDA when usable, else the CPU kernel; the only backend that chooses. */
public final class AutoBackend implements ScanBackend {
  private static final Logger LOG = LoggerFactory.getLogger(AutoBackend.class);

  @Override
  public SelectiveScan create() {
    CudaProbe.Verdict v = CudaProbe.verdict();
    SelectiveScan chosen = v.available() ? new CudaBackend().create() : new CpuBackend().create();
    LOG.info("scan backend auto -> {}{}", chosen.name(),
        v.available() ? "" : " (CUDA unavailable: " + v.describe() + ")");
    return chosen;
  }

  @Override
  public String description() {
    return "cuda where usable, else cpu (logs its choice)";
  }
}
