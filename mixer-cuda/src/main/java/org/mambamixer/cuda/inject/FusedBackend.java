package org.mambamixer.cuda.inject;

import java.util.Optional;
import org.mambamixer.api.scan.FusedMixer;
import org.mambamixer.api.scan.ScanBackend;
import org.mambamixer.api.scan.ScanInputs;
import org.mambamixer.api.scan.ScanOutputs;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.cuda.bridge.FusedMixerOp;
import org.mambamixer.cuda.bridge.KernelScan;
import org.mambamixer.cuda.cpu.CpuScanKernel;
import org.mambamixer.cuda.cpu.FusedMixerKernel;

/**
 * {@code --scan fused}: every selective mixer runs as one fused CPU op with its own backward
 * (conv, projections, scan and gate; docs/kernels.md); a bare scan outside a mixer runs on the
 * CPU scan kernel.
 */
public final class FusedBackend implements ScanBackend {
  @Override
  public SelectiveScan create() {
    FusedMixer mixer;
    try {
      mixer = new FusedMixerOp(new FusedMixerKernel());
    } catch (LinkageError e) { // FloatVector is missing without the incubator module
      throw new IllegalStateException("scan backend fused needs the JVM flag --add-modules"
          + " jdk.incubator.vector (the ./mambamixer launcher sets it)");
    }
    KernelScan scan = new KernelScan(new CpuScanKernel());
    return new SelectiveScan() {
      @Override
      public String name() {
        return "fused";
      }

      @Override
      public ScanOutputs scan(ScanInputs inputs) {
        return scan.scan(inputs);
      }

      @Override
      public Optional<FusedMixer> fusedMixer() {
        return Optional.of(mixer);
      }

      @Override
      public boolean defersGradients() {
        return true;
      }
    };
  }

  @Override
  public String description() {
    return "fused CPU selective mixer (conv, projections, scan, gate in one op with its own"
        + " backward; Vector API, all cores)";
  }
}
