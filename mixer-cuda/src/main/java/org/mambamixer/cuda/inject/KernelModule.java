package org.mambamixer.cuda.inject;

import com.google.inject.AbstractModule;
import org.mambamixer.api.inject.Registries;
import org.mambamixer.cuda.bench.BenchCommand;
import org.mambamixer.cuda.gpu.ScanCheck;
import org.mambamixer.runtime.cli.Commands;

/**
 * mixer-cuda's contribution, found through {@code META-INF/services}: the scan backends {@code
 * fused}, {@code cpu}, {@code cuda} and {@code auto}, and the commands {@code scan-check} and {@code bench}.
 */
public final class KernelModule extends AbstractModule {
  @Override
  protected void configure() {
    Registries.scans(binder()).addBinding("fused").to(FusedBackend.class);
    Registries.scans(binder()).addBinding("cpu").to(CpuBackend.class);
    Registries.scans(binder()).addBinding("cuda").to(CudaBackend.class);
    Registries.scans(binder()).addBinding("auto").to(AutoBackend.class);
    Commands.registry(binder()).addBinding("scan-check").to(ScanCheck.class);
    Commands.registry(binder()).addBinding("bench").to(BenchCommand.class);
  }
}
