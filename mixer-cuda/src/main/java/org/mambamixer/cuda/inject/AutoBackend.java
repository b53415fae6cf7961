package org.mambamixer.cuda.inject;

import org.mambamixer.api.scan.ScanBackend;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.cuda.gpu.CudaProbe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --scan auto}: CUDA when usable, else the fused CPU mixer, else (without the Vector API)
 * the CPU scan kernel; the only backend that chooses. It says its choice in one line; why CUDA was
 * not usable (the driver's message, library paths) only at debug level ({@code MAMBAMIXER_DEBUG=1}
 * with the launcher).
 */
public final class AutoBackend implements ScanBackend {
  private static final Logger LOG = LoggerFactory.getLogger(AutoBackend.class);

  @Override
  public SelectiveScan create() {
    CudaProbe.Verdict v = CudaProbe.verdict();
    SelectiveScan chosen = v.available() ? new CudaBackend().create() : cpu();
    LOG.info("scan backend auto -> {}{}", chosen.name(), v.available() ? "" : " (no CUDA device)");
    LOG.debug("{}", v.describe());
    return chosen;
  }

  private static SelectiveScan cpu() {
    try {
      return new FusedBackend().create();
    } catch (IllegalStateException e) {
      LOG.warn("{}; using the CPU scan kernel", e.getMessage());
      return new CpuBackend().create();
    }
  }

  @Override
  public String description() {
    return "cuda where usable, else fused, else cpu (logs its choice)";
  }
}
