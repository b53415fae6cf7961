package org.mambamixer.timeseries.data;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads a CSV of the ETT / weather family into a {@link Series}.
 *
 * <p>The format: a header row, then one row per timestamp; column 1 is the timestamp (see
 * {@link TimestampParser} for the accepted forms), every other column a finite number. Plain or
 * gzip (recognised by its magic bytes, whatever the name); UTF-8, with undecodable bytes replaced
 * by U+FFFD as in the published weather header; LF, CRLF or CR line ends; the last line may lack
 * its newline and trailing empty lines are ignored. Header names are kept verbatim; spaces around
 * a cell are ignored. There is no quoting: a comma always separates fields.
 *
 * <p>Anything else fails with a {@link CsvFormatException} naming the file, line and column:
 * an empty file, a header without variates, a row with too few or too many fields, an empty
 * line inside the data, an unparseable timestamp, an empty or non-numeric cell, NaN or a value
 * outside the float range.
 */
public final class SeriesCsv {
  private static final int BUFFER = 1 << 16;

  private SeriesCsv() {}

  /** Reads {@code file}; the series is named after the file less {@code .gz} and {@code .csv}. */
  public static Series read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, "no such series CSV file");
    }
    try (BufferedReader in = open(file)) {
      return parse(file, in);
    } catch (CsvFormatException e) {
      throw e;
    } catch (IOException e) {
      // A truncated or corrupt gzip stream surfaces here without the file's name.
      throw e.getMessage() != null && e.getMessage().startsWith(file.toString()) ? e
          : new IOException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** The dataset name for a file: {@code ETTh1.csv.gz} gives {@code ETTh1}. */
  public static String datasetName(Path file) {
    String name = file.getFileName().toString();
    for (String suffix : new String[] {".gz", ".csv"}) {
      if (name.toLowerCase().endsWith(suffix)) {
        name = name.substring(0, name.length() - suffix.length());
      }
    }
    return name;
  }

  private static BufferedReader open(Path file) throws IOException {
    InputStream raw = new BufferedInputStream(Files.newInputStream(file), BUFFER);
    raw.mark(2);
    boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
    raw.reset();
    InputStream in = new BufferedInputStream(gzip ? new GZIPInputStream(raw, BUFFER) : raw, BUFFER);
    requireText(file, in);
    var utf8 =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    return new BufferedReader(new InputStreamReader(in, utf8), BUFFER);
  }

  /**
   * Refuses binary data up front (a NUL byte in the first 4 KiB, as {@code file(1)} and git
   * judge it), so a wrong file is named as such instead of failing on its first "number".
   */
  private static void requireText(Path file, InputStream in) throws IOException {
    in.mark(4096);
    byte[] head = in.readNBytes(4096);
    in.reset();
    for (byte b : head) {
      if (b == 0) {
        throw new IOException(file + " is binary data, not a CSV text file");
      }
    }
  }

  private static Series parse(Path file, BufferedReader in) throws IOException {
    String header = in.readLine();
    if (header != null && header.startsWith("\uFEFF")) {
      header = header.substring(1);
    }
    if (header == null || header.isBlank()) {
      throw new CsvFormatException(file, 1, 1, "empty file, expected a header row like 'date,OT'");
    }
    String[] names = header.split(",", -1);
    if (names.length < 2) {
      throw new CsvFormatException(
          file, 1, 2, "the header has no variate columns after '" + names[0] + "'");
    }
    int m = names.length - 1;
    List<String> columns = Arrays.asList(names).subList(1, names.length);

    TimestampParser timestamps = new TimestampParser();
    List<LocalDateTime> time = new ArrayList<>();
    List<float[]> values = new ArrayList<>();
    int lineNo = 1;
    int blankLine = 0;
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      lineNo++;
      if (line.isBlank()) {
        blankLine = blankLine == 0 ? lineNo : blankLine;
        continue;
      }
      if (blankLine != 0) {
        throw new CsvFormatException(
            file, blankLine, 1,
            "empty line inside the data (only trailing empty lines are allowed)");
      }
      int fields = count(line, ',') + 1;
      if (fields != m + 1) {
        throw new CsvFormatException(
            file, lineNo, Math.min(fields, m + 1) + 1,
            "the row has " + fields + " fields but the header has " + (m + 1));
      }
      int end = line.indexOf(',');
      String stamp = line.substring(0, end).strip();
      LocalDateTime t = timestamps.parse(stamp);
      if (t == null) {
        throw new CsvFormatException(
            file, lineNo, 1,
            names[0] + " is not a timestamp: '" + stamp
                + "' (expected e.g. 2016-07-01 00:00:00, 2016-07-01T00:00, 2016/7/1 0:00"
                + " or 2016-07-01)");
      }
      float[] row = new float[m]; // (M)
      for (int j = 0; j < m; j++) {
        int start = end + 1;
        end = j == m - 1 ? line.length() : line.indexOf(',', start);
        row[j] = number(file, lineNo, j + 2, names[j + 1], line.substring(start, end).strip());
      }
      time.add(t);
      values.add(row);
    }
    if (values.isEmpty()) {
      throw new CsvFormatException(file, 2, 1, "no data rows after the header");
    }
    return new Series(
        datasetName(file), names[0], columns,
        time.toArray(new LocalDateTime[0]), values.toArray(new float[0][]));
  }

  private static float number(Path file, int line, int column, String name, String cell)
      throws CsvFormatException {
    if (cell.isEmpty()) {
      throw new CsvFormatException(file, line, column, name + " is empty (missing value)");
    }
    if (cell.equalsIgnoreCase("nan")) {
      throw new CsvFormatException(file, line, column, name + " is NaN (missing value)");
    }
    for (int i = 0; i < cell.length(); i++) {
      char c = cell.charAt(i);
      // Float.parseFloat alone would also take "Infinity", "0x1p3" and "1f".
      if (!(c >= '0' && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '-' || c == '+')) {
        throw new CsvFormatException(file, line, column, name + " is not a number: '" + cell + "'");
      }
    }
    float v;
    try {
      v = Float.parseFloat(cell);
    } catch (NumberFormatException e) {
      throw new CsvFormatException(file, line, column, name + " is not a number: '" + cell + "'");
    }
    if (Float.isInfinite(v)) {
      throw new CsvFormatException(
          file, line, column, name + " is outside the float range: " + cell);
    }
    return v;
  }

  private static int count(String s, char c) {
    int n = 0;
    for (int i = s.indexOf(c); i >= 0; i = s.indexOf(c, i + 1)) {
      n++;
    }
    return n;
  }
}
