package org.mambamixer.runtime.cli;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * Where a training command writes its run, the same in every command: {@code --runs-dir} (parent
 * of new runs), {@code --run-dir} (this run's directory) and {@code --resume}.
 */
public final class RunDirOptions {
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT);

  @Option(names = "--runs-dir", paramLabel = "DIR", defaultValue = "runs",
      description = "parent of new run directories (default ${DEFAULT-VALUE})")
  Path runsDir;

  @Option(names = "--run-dir", paramLabel = "DIR",
      description = "the run directory (default: a new one under --runs-dir)")
  Path runDir;

  @Option(names = "--resume",
      description = "continue the run in --run-dir from its last saved point (fresh where none)")
  boolean resume;

  /** {@code --run-dir}, or null when not given. */
  public Path runDir() {
    return runDir;
  }

  public boolean resume() {
    return resume;
  }

  /** {@code --run-dir} if given, else a new {@code name-yyyyMMdd-HHmmss} under --runs-dir. */
  public Path runDirOrNew(String name) {
    return runDir != null ? runDir
        : runsDir.resolve(name + "-" + LocalDateTime.now().format(STAMP));
  }
}
