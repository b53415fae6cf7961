package org.mambamixer.runtime.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

/**
 * One sub-command of the {@code mambamixer} launcher: a picocli {@code @Command} class whose
 * {@code call()} returns the exit code. Modules contribute commands by name to {@link
 * Commands#registry}; the launcher adds whatever is registered. Exit codes are the same in every
 * command: 0 success, 1 a runtime failure, 2 a usage error (picocli's, or a {@code
 * ParameterException} thrown from {@code call()}).
 */
public interface LauncherCommand extends Callable<Integer> {

  /**
   * The command line as typed after the launcher, for a run's config.json: picocli's original
   * arguments are the whole line, the sub-command's name included.
   */
  static String commandLine(CommandSpec spec) {
    return "mambamixer " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
  }
}
