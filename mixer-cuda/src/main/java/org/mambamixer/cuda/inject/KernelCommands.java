package org.mambamixer.cuda.inject;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;
import org.mambamixer.api.cli.Command;
import org.mambamixer.cuda.bench.BenchCommand;
import org.mambamixer.cuda.gpu.ScanCheckCommand;

/** Contributes the kernel commands to the launcher. */
public final class KernelCommands extends AbstractModule {
  @Override
  protected void configure() {
    MapBinder<String, Command> commands =
        MapBinder.newMapBinder(binder(), String.class, Command.class);
    commands.addBinding("scan-check").to(ScanCheckCommand.class);
    commands.addBinding("bench").to(BenchCommand.class);
  }
}
