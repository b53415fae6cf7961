package org.mambamixer.api.cli;

/**
 * One sub-command of the {@code mambamixer} launcher. Modules contribute commands to a Guice
 * {@code MapBinder<String, Command>} keyed by the command's name.
 */
public interface Command {

  /** One line for the launcher's command list. */
  String summary();

  /** The flags this command accepts, for {@code --help} and for rejecting unknown flags. */
  Flags.Spec flags();

  /**
   * Runs the command.
   *
   * @return the process exit code
   * @throws UsageException for bad flags (the launcher prints the usage)
   */
  int run(Flags flags) throws Exception;
}
