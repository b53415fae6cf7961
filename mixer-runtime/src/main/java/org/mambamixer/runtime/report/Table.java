package org.mambamixer.runtime.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An immutable table of named columns whose cells are strings, integers ({@code Long}), reals
 * ({@code Double}) or empty ({@code null}). Smaller integer types are widened to {@code Long},
 * {@code Float} to the {@code Double} of the same decimal text ({@code 0.1f} becomes {@code 0.1}).
 *
 * <p>CSV follows RFC 4180 (comma, CRLF-or-LF records, double-quoted fields with {@code ""} for a
 * quote) with one convention so that {@link #readCsv} returns exactly what {@link #toCsv} wrote:
 * an unquoted field that parses as a number is a number, an unquoted empty field is {@code null},
 * and any quoted field is a string. Strings that would read back as something else are quoted.
 */
public final class Table {
  private static final Pattern INTEGER = Pattern.compile("[+-]?\\d{1,18}");
  private static final Pattern REAL =
      Pattern.compile("[+-]?(NaN|Infinity|(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?)");

  private final List<String> columns;
  private final List<List<Object>> rows;

  private Table(List<String> columns, List<List<Object>> rows) {
    this.columns = columns;
    this.rows = rows;
  }

  /** An empty table; column names must be non-blank and distinct. */
  public static Table of(String... columns) {
    return of(List.of(columns));
  }

  public static Table of(List<String> columns) {
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("a table needs at least one column");
    }
    Set<String> seen = new HashSet<>();
    for (String c : columns) {
      if (c == null || c.isBlank()) {
        throw new IllegalArgumentException("column names must be non-blank, got " + columns);
      }
      if (!seen.add(c)) {
        throw new IllegalArgumentException("column '" + c + "' appears twice in " + columns);
      }
    }
    return new Table(List.copyOf(columns), List.of());
  }

  /** A copy with one more row, cells in column order. */
  public Table append(Object... cells) {
    return append(Arrays.asList(cells));
  }

  /** A copy with one more row, cells in column order. */
  public Table append(List<?> cells) {
    if (cells.size() != columns.size()) {
      throw new IllegalArgumentException(
          "row " + (rows.size() + 1) + " has " + cells.size() + " cells, table has "
              + columns.size() + " columns " + columns);
    }
    List<Object> row = new ArrayList<>(cells.size());
    for (int i = 0; i < cells.size(); i++) {
      row.add(normalise(columns.get(i), cells.get(i)));
    }
    List<List<Object>> more = new ArrayList<>(rows);
    more.add(Collections.unmodifiableList(row));
    return new Table(columns, Collections.unmodifiableList(more));
  }

  /** A copy with one more row given by column name; absent columns stay empty. */
  public Table append(Map<String, ?> cells) {
    for (String name : cells.keySet()) {
      if (!columns.contains(name)) {
        throw new IllegalArgumentException("no column '" + name + "' in " + columns);
      }
    }
    List<Object> row = new ArrayList<>(columns.size());
    for (String c : columns) {
      row.add(cells.get(c));
    }
    return append(row);
  }

  /** A copy holding only the first {@code n} rows. */
  public Table head(int n) {
    if (n < 0 || n > rows.size()) {
      throw new IllegalArgumentException("head(" + n + ") outside 0.." + rows.size());
    }
    return new Table(columns, rows.subList(0, n));
  }

  public List<String> columns() {
    return columns;
  }

  /** The rows, each an unmodifiable list in column order. */
  public List<List<Object>> rows() {
    return rows;
  }

  public int rowCount() {
    return rows.size();
  }

  /** The cell in row {@code row} (0-based) and the named column. */
  public Object get(int row, String column) {
    return rows.get(row).get(indexOf(column));
  }

  /** A numeric column as doubles; empty cells, no value or empty text, become NaN. */
  public double[] doubles(String column) {
    int c = indexOf(column);
    double[] out = new double[rows.size()];
    for (int r = 0; r < out.length; r++) {
      Object v = rows.get(r).get(c);
      if (v == null || "".equals(v)) {
        out[r] = Double.NaN;
      } else if (v instanceof Number n) {
        out[r] = n.doubleValue();
      } else {
        throw new IllegalStateException(
            "column '" + column + "' row " + (r + 1) + " holds text '" + v + "', not a number");
      }
    }
    return out;
  }

  private int indexOf(String column) {
    int c = columns.indexOf(column);
    if (c < 0) {
      throw new IllegalArgumentException("no column '" + column + "' in " + columns);
    }
    return c;
  }

  // ---------------------------------------------------------------- CSV

  /** RFC 4180 text with a header record; records end in {@code "\n"}. */
  public String toCsv() {
    StringBuilder sb = new StringBuilder();
    csvRecord(sb, new ArrayList<>(columns));
    for (List<Object> row : rows) {
      csvRecord(sb, row);
    }
    return sb.toString();
  }

  public void writeCsv(Path file) throws IOException {
    AtomicFiles.writeString(file, toCsv());
  }

  private static void csvRecord(StringBuilder sb, List<Object> cells) {
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      Object v = cells.get(i);
      if (v instanceof String s) {
        boolean quote =
            s.isEmpty() || looksNumeric(s) || s.chars().anyMatch(ch -> ",\"\r\n".indexOf(ch) >= 0);
        sb.append(quote ? '"' + s.replace("\"", "\"\"") + '"' : s);
      } else if (v != null) {
        sb.append(v); // Long.toString / Double.toString: shortest text that reads back exactly
      }
    }
    sb.append('\n');
  }

  /** Reads a CSV file written by {@link #toCsv()} or any RFC 4180 writer; UTF-8, BOM tolerated. */
  public static Table readCsv(Path file) throws IOException {
    return parseCsv(Files.readString(file, StandardCharsets.UTF_8), file.toString());
  }

  /**
   * Parses CSV text; {@code source} names it in errors, which read {@code source:line: problem}.
   */
  public static Table parseCsv(String text, String source) {
    List<List<Object>> records = new ArrayList<>();
    List<Integer> lines = new ArrayList<>();
    new CsvReader(text.startsWith("\uFEFF") ? text.substring(1) : text, source)
        .readAll(records, lines);
    if (records.isEmpty()) {
      throw new IllegalArgumentException(source + ":1: empty file, expected a header record");
    }
    List<String> header = new ArrayList<>();
    for (Object cell : records.get(0)) {
      header.add(cell == null ? "" : cell.toString());
    }
    Table table;
    try {
      table = of(header);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + ":1: bad header: " + e.getMessage(), e);
    }
    for (int r = 1; r < records.size(); r++) {
      List<Object> rec = records.get(r);
      if (rec.size() == 1 && rec.get(0) == null && header.size() > 1) {
        continue; // a blank line; only in a one-column table is it a record with an empty cell
      }
      if (rec.size() != header.size()) {
        throw new IllegalArgumentException(
            source + ":" + lines.get(r) + ": record has " + rec.size() + " fields, header has "
                + header.size());
      }
      table = table.append(rec);
    }
    return table;
  }

  /** One pass over the text; tracks the line on which each record starts for error messages. */
  private static final class CsvReader {
    private final String text;
    private final String source;
    private int pos;
    private int line = 1;

    CsvReader(String text, String source) {
      this.text = text;
      this.source = source;
    }

    void readAll(List<List<Object>> records, List<Integer> lines) {
      while (pos < text.length()) {
        int start = line;
        List<Object> rec = new ArrayList<>();
        boolean more = true;
        while (more) {
          rec.add(field());
          more = pos < text.length() && text.charAt(pos) == ',';
          if (more) {
            pos++;
          }
        }
        endOfRecord();
        records.add(rec);
        lines.add(start);
      }
    }

    private Object field() {
      if (pos < text.length() && text.charAt(pos) == '"') {
        int opened = line;
        StringBuilder sb = new StringBuilder();
        pos++;
        while (true) {
          if (pos >= text.length()) {
            throw new IllegalArgumentException(
                source + ":" + opened + ": quoted field is never closed");
          }
          char c = text.charAt(pos++);
          if (c == '"') {
            if (pos < text.length() && text.charAt(pos) == '"') {
              sb.append('"');
              pos++;
            } else {
              break;
            }
          } else {
            if (c == '\n') {
              line++;
            }
            sb.append(c);
          }
        }
        if (pos < text.length() && ",\r\n".indexOf(text.charAt(pos)) < 0) {
          throw new IllegalArgumentException(
              source + ":" + line + ": unexpected '" + text.charAt(pos)
                  + "' after a closing quote (quotes inside a field must be doubled)");
        }
        return sb.toString();
      }
      int start = pos;
      while (pos < text.length() && ",\r\n".indexOf(text.charAt(pos)) < 0) {
        if (text.charAt(pos) == '"') {
          throw new IllegalArgumentException(
              source + ":" + line + ": quote inside an unquoted field");
        }
        pos++;
      }
      return parseCell(text.substring(start, pos));
    }

    private void endOfRecord() {
      if (pos < text.length() && text.charAt(pos) == '\r') {
        pos++;
      }
      if (pos < text.length() && text.charAt(pos) == '\n') {
        pos++;
        line++;
      }
    }
  }

  private static Object parseCell(String s) {
    if (s.isEmpty()) {
      return null;
    }
    if (INTEGER.matcher(s).matches()) {
      return Long.parseLong(s);
    }
    if (REAL.matcher(s).matches()) {
      return Double.parseDouble(s);
    }
    return s;
  }

  private static boolean looksNumeric(String s) {
    return INTEGER.matcher(s).matches() || REAL.matcher(s).matches();
  }

  private static Object normalise(String column, Object v) {
    if (v == null || v instanceof String || v instanceof Long || v instanceof Double) {
      return v;
    }
    if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof Float f) {
      return Double.parseDouble(Float.toString(f));
    }
    if (v instanceof Enum<?> || v instanceof Boolean || v instanceof Character) {
      return v.toString();
    }
    throw new IllegalArgumentException(
        "column '" + column + "': cells must be text or numbers, got "
            + v.getClass().getSimpleName() + " " + v);
  }

  // ---------------------------------------------------------------- Markdown

  /** A Markdown table with reals to 4 significant digits. */
  public String toMarkdown() {
    return toMarkdown(4);
  }

  /**
   * A GitHub-flavoured Markdown table with padded, aligned pipes: numeric columns right-aligned,
   * reals rounded to {@code significantDigits} (Java {@code %g}: plain for 1e-4 <= |x| < 10^digits,
   * otherwise scientific); empty cells blank.
   */
  public String toMarkdown(int significantDigits) {
    if (significantDigits < 1 || significantDigits > 17) {
      throw new IllegalArgumentException(
          "significantDigits must be in 1..17, got " + significantDigits);
    }
    int n = columns.size();
    List<String[]> text = new ArrayList<>();
    boolean[] numeric = new boolean[n];
    Arrays.fill(numeric, !rows.isEmpty());
    for (List<Object> row : rows) {
      String[] t = new String[n];
      for (int c = 0; c < n; c++) {
        Object v = row.get(c);
        t[c] = markdownCell(v, significantDigits);
        numeric[c] &= v == null || v instanceof Number;
      }
      text.add(t);
    }
    int[] width = new int[n];
    for (int c = 0; c < n; c++) {
      width[c] = Math.max(3, markdownText(columns.get(c)).length());
      for (String[] t : text) {
        width[c] = Math.max(width[c], t[c].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    String[] header = columns.stream().map(Table::markdownText).toArray(String[]::new);
    markdownRow(sb, header, width, numeric);
    String[] rule = new String[n];
    for (int c = 0; c < n; c++) {
      rule[c] = numeric[c] ? "-".repeat(width[c] - 1) + ":" : "-".repeat(width[c]);
    }
    markdownRow(sb, rule, width, numeric);
    for (String[] t : text) {
      markdownRow(sb, t, width, numeric);
    }
    return sb.toString();
  }

  public void writeMarkdown(Path file, int significantDigits) throws IOException {
    AtomicFiles.writeString(file, toMarkdown(significantDigits));
  }

  private static void markdownRow(StringBuilder sb, String[] cells, int[] width, boolean[] right) {
    sb.append('|');
    for (int c = 0; c < cells.length; c++) {
      String pad = " ".repeat(width[c] - cells[c].length());
      sb.append(' ').append(right[c] ? pad + cells[c] : cells[c] + pad).append(" |");
    }
    sb.append('\n');
  }

  private static String markdownCell(Object v, int digits) {
    if (v == null) {
      return "";
    }
    if (v instanceof Double d) {
      return formatReal(d, digits);
    }
    return v instanceof Long ? v.toString() : markdownText(v.toString());
  }

  /** Formats a real to {@code digits} significant digits, as in the Markdown tables. */
  public static String formatReal(double d, int digits) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      return Double.toString(d);
    }
    return String.format(Locale.ROOT, "%." + digits + "g", d);
  }

  /** Pipes would split the cell and newlines the row. */
  private static String markdownText(String s) {
    return s.replace("|", "\\|").replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ');
  }
}
