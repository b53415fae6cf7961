package org.mambamixer.runtime.cli;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * Where a command writes its run directory, the same in every command: {@code --runs-dir}
 * (parent of new runs) and {@code --run-dir} (this run's directory).
 */
public final class RunPlaceOptions {
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT);

  @Option(names = "--runs-dir", paramLabel = "DIR", defaultValue = "runs",
      description = "parent of new run directories (default ${DEFAULT-VALUE})")
  Path runsDir;

  @Option(names = "--run-dir", paramLabel = "DIR",
      description = "the run directory (default: a new one under --runs-dir)")
  Path runDir;

  /** {@code --run-dir}, or null when not given. */
  public Path runDir() {
    return runDir;
  }

  /** {@code --run-dir} if given, else a new {@code name-yyyyMMdd-HHmmss} under --runs-dir. */
  public Path runDirOrNew(String name) {
    return runDir != null ? runDir
        : runsDir.resolve(name + "-" + LocalDateTime.now().format(STAMP));
  }
}
