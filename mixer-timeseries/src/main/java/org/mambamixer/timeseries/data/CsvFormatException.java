package org.mambamixer.timeseries.data;

import java.io.IOException;
import java.nio.file.Path;

/** A series CSV that cannot be read as such; names the file, the 1-based line and column. */
public final class CsvFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final int line;
  private final int column;

  CsvFormatException(Path file, int line, int column, String problem) {
    super(file + ": line " + line + ", column " + column + ": " + problem);
    this.file = file;
    this.line = line;
    this.column = column;
  }

  public Path file() {
    return file;
  }

  /** The 1-based line number; the header is line 1. */
  public int line() {
    return line;
  }

  /** The 1-based column number; the timestamp is column 1. */
  public int column() {
    return column;
  }
}
