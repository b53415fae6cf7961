package org.mambamixer.runtime.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A per-epoch metrics CSV that is always a complete, valid file: every {@link #append} rewrites it
 * atomically (a few hundred rows cost nothing next to an epoch), so a killed run leaves every
 * finished epoch on disk. {@link #open} continues an existing log, which is how a resumed run
 * keeps one history.
 */
public final class MetricsLog {
  private final Path file;
  private Table table;

  private MetricsLog(Path file, Table table) {
    this.file = file;
    this.table = table;
  }

  /** Starts a new log with only the header, replacing any existing file. */
  public static MetricsLog create(Path file, List<String> columns) throws IOException {
    MetricsLog log = new MetricsLog(file, Table.of(columns));
    log.table.writeCsv(file);
    return log;
  }

  /**
   * Continues the log at {@code file} if it exists, else creates it.
   *
   * @throws IllegalArgumentException when the existing header differs from {@code columns}, naming
   *     the file (a log from another configuration should not be silently extended)
   */
  public static MetricsLog open(Path file, List<String> columns) throws IOException {
    if (!Files.exists(file)) {
      return create(file, columns);
    }
    Table existing = Table.readCsv(file);
    if (!existing.columns().equals(columns)) {
      throw new IllegalArgumentException(
          file + ": existing columns " + existing.columns() + " differ from " + columns);
    }
    return new MetricsLog(file, existing);
  }

  /** Appends one row, cells in column order, and rewrites the file. */
  public synchronized void append(Object... cells) throws IOException {
    write(table.append(cells));
  }

  /** Appends rows, cells in column order, with one rewrite of the file for all of them. */
  public synchronized void appendAll(List<List<Object>> rows) throws IOException {
    Table next = table;
    for (List<Object> row : rows) {
      next = next.append(row);
    }
    write(next);
  }

  /** Appends one row given by column name (absent columns empty) and rewrites the file. */
  public synchronized void append(Map<String, ?> cells) throws IOException {
    write(table.append(cells));
  }

  /**
   * Drops rows after the first {@code rows}: a run resumed from the checkpoint of epoch {@code k}
   * calls {@code truncate(k)} so epochs trained after that checkpoint are not listed twice.
   */
  public synchronized void truncate(int rows) throws IOException {
    write(table.head(rows));
  }

  /** The rows written so far. */
  public synchronized Table table() {
    return table;
  }

  public Path file() {
    return file;
  }

  private void write(Table next) throws IOException {
    next.writeCsv(file);
    table = next; // only after the file holds it, so memory and disk never disagree
  }
}
