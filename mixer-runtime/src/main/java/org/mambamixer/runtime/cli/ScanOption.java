package org.mambamixer.runtime.cli;

import picocli.CommandLine.Option;

/** The scan-backend switch, spelled {@code --scan} in every command that runs a scan. */
public final class ScanOption {
  @Option(names = "--scan", paramLabel = "NAME", defaultValue = "auto",
      description = "selective-scan backend: reference, fused, cpu, cuda, auto, ... (default:"
          + " ${DEFAULT-VALUE}: cuda where usable, else fused)")
  String scan;

  public String name() {
    return scan;
  }

  /** The switch as a run's config.json records it. */
  public Setting setting() {
    return Setting.of("--scan", "scan", scan);
  }
}
