package org.mambamixer.runtime.cli;

import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Where a training command writes its run and whether it continues one, the same in every
 * command: {@code --runs-dir}, {@code --run-dir} ({@link RunPlaceOptions}) and {@code --resume}.
 */
public final class RunDirOptions {
  @Mixin RunPlaceOptions place;

  @Option(names = "--resume",
      description = "continue the run in --run-dir from its last saved point (fresh where none)")
  boolean resume;

  /** {@code --run-dir}, or null when not given. */
  public Path runDir() {
    return place.runDir();
  }

  public boolean resume() {
    return resume;
  }

  /** {@code --run-dir} if given, else a new {@code name-yyyyMMdd-HHmmss} under --runs-dir. */
  public Path runDirOrNew(String name) {
    return place.runDirOrNew(name);
  }
}
