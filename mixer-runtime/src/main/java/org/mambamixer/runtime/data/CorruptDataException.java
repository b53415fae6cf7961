package org.mambamixer.runtime.data;

import java.io.IOException;

/** A data file that cannot be read as what it claims to be; the message names the file. */
public final class CorruptDataException extends IOException {
  public CorruptDataException(String message) {
    super(message);
  }

  public CorruptDataException(String message, Throwable cause) {
    super(message, cause);
  }
}
