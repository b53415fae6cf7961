package org.mambamixer.timeseries.data;

import java.time.LocalDateTime;
import java.util.List;

/**
 * A multivariate time series as read from a CSV file.
 *
 * <p>Arrays are shared, not copied (a record over arrays keeps identity equality): treat them as
 * read-only.
 *
 * @param name the dataset name, e.g. {@code ETTh1} (the file name without {@code .csv[.gz]})
 * @param timeColumn the header of the timestamp column, e.g. {@code date}
 * @param columns the variate names in file order, exactly as in the header (M entries)
 * @param time one timestamp per row (T entries)
 * @param values the variates, {@code values[t][m]} // (T, M)
 */
public record Series(
    String name, String timeColumn, List<String> columns, LocalDateTime[] time, float[][] values) {

  public Series {
    columns = List.copyOf(columns);
    if (time.length != values.length) {
      throw new IllegalArgumentException(
          name + ": " + time.length + " timestamps but " + values.length + " value rows");
    }
    for (int t = 0; t < values.length; t++) {
      if (values[t].length != columns.size()) {
        throw new IllegalArgumentException(
            name + ": row " + t + " has " + values[t].length + " values, expected "
                + columns.size() + " (one per column)");
      }
    }
  }

  /** T, the number of timestamps. */
  public int rows() {
    return values.length;
  }

  /** M, the number of variates (columns after the timestamp). */
  public int variates() {
    return columns.size();
  }

  /** The position of a variate by name (e.g. {@code OT}, the usual univariate target). */
  public int columnIndex(String column) {
    int i = columns.indexOf(column);
    if (i < 0) {
      throw new IllegalArgumentException(
          name + " has no column '" + column + "'; it has " + columns);
    }
    return i;
  }
}
