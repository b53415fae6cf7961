package org.mambamixer.runtime.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * The flags given beside {@code --resume} that disagree with the run's own config.json. A resumed
 * run continues with its stored settings, so each disagreement is collected, and all of them are
 * reported in one usage error (exit 2) before anything is read or written.
 */
public final class ResumeConflicts {
  private final CommandSpec spec;
  private final List<String> conflicts = new ArrayList<>();

  public ResumeConflicts(CommandSpec spec) {
    this.spec = spec;
  }

  /** Whether {@code flag} was typed on the command line (not just defaulted). */
  public static boolean given(CommandSpec spec, String flag) {
    return spec.commandLine().getParseResult().hasMatchedOption(flag);
  }

  /**
   * Records {@code flag} when it was typed with a value other than the run's; numbers compare by
   * value, so {@code --lr 0.001} agrees with a stored {@code 1e-3}.
   */
  public void check(String flag, Object given, Object stored) {
    if (given != null && given(spec, flag)
        && !String.valueOf(given).equals(String.valueOf(stored))
        && !(given instanceof Number g && stored instanceof Number st
            && g.doubleValue() == st.doubleValue())) {
      conflicts.add(flag + " " + given + " (the run has " + stored + ")");
    }
  }

  /**
   * Records {@code flag} when it was typed and names another place than the run's {@code stored}
   * file or folder. Places compare by what they point to, so a relative and an absolute spelling
   * of one folder agree (a run started with {@code ../shared/data} and resumed with its absolute
   * path is the same run).
   */
  public void checkPlace(String flag, Path given, String stored) {
    if (given != null && given(spec, flag) && !samePlace(given, Path.of(stored))) {
      conflicts.add(flag + " " + given + " (the run has " + stored + ")");
    }
  }

  /**
   * How a run's config.json records a file or folder it reads: absolute and normalised, so that
   * {@link #checkPlace} can compare it from any working directory.
   */
  public static String place(Path p) {
    return p.toAbsolutePath().normalize().toString();
  }

  /** Whether {@code a} and {@code b} are one file or folder; by their paths where one is absent. */
  static boolean samePlace(Path a, Path b) {
    try {
      return Files.isSameFile(a, b);
    } catch (IOException e) {
      return place(a).equals(place(b));
    }
  }

  /** Records a conflict the command words itself, e.g. a budget that implies other settings. */
  public void add(String conflict) {
    conflicts.add(conflict);
  }

  /** Throws the usage error naming every conflict, if there is one. */
  public void throwIfAny() {
    if (!conflicts.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "--resume continues the run with its own"
          + " settings (config.json); these flags conflict with them: "
          + String.join("; ", conflicts) + ". Leave them off, or start a new run.");
    }
  }
}
