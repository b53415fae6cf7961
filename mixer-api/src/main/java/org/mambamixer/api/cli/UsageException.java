package org.mambamixer.api.cli;

/** A command-line mistake: the launcher prints the message and the command's usage, exit 2. */
public final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UsageException(String message) {
    super(message);
  }
}
