package org.mambamixer.ablations.study;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import com.google.gson.JsonSyntaxException;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An ablation study: a grid of launcher arguments. Each axis maps a level's name to the flags that
 * select it; the cells are every combination of one level per axis, times every seed, each run as
 * an ordinary launcher command with its own run directory.
 *
 * <pre>{@code
 * {"name": "tsm2-etth1", "command": "forecast",
 *  "base": ["--lookback", "96", "--epochs", "3"],
 *  "axes": {"variant": {"full": [], "tsm2-mlp": ["--channel-mixer", "mlp"]},
 *           "dataset": {"ETTh1": ["--dataset", "ETTh1"]}},
 *  "seeds": [2021, 2022, 2023],
 *  "reference": {"axis": "variant", "level": "full"}}
 * }</pre>
 *
 * @param name the study's name (its folder under the studies directory)
 * @param command the launcher command every cell runs (e.g. {@code forecast})
 * @param base flags every cell gets
 * @param axes axis name -> (level name -> flags), in order; levels keep their file order
 * @param seeds seeds of every combination ({@code --seed})
 * @param reference the level that deltas are measured against, or null for none
 * @param metrics columns of each run's results.csv to summarise (default {@code mse, mae})
 */
public record Study(String name, String command, List<String> base,
    LinkedHashMap<String, LinkedHashMap<String, List<String>>> axes, List<Long> seeds,
    Reference reference, List<String> metrics) {

  /** The level every other level of its axis is compared with. */
  public record Reference(String axis, String level) {}

  public Study {
    if (name == null || !name.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException("study name must be a plain folder name, got '" + name
          + "'");
    }
    if (command == null || command.isBlank()) {
      throw new IllegalArgumentException("study " + name + " names no command");
    }
    if (axes == null || axes.isEmpty() || axes.values().stream().anyMatch(Map::isEmpty)) {
      throw new IllegalArgumentException("study " + name + " needs at least one axis, each with"
          + " at least one level");
    }
    if (seeds == null || seeds.isEmpty()) {
      throw new IllegalArgumentException("study " + name + " needs at least one seed");
    }
    if (reference != null && (!axes.containsKey(reference.axis())
        || !axes.get(reference.axis()).containsKey(reference.level()))) {
      throw new IllegalArgumentException("study " + name + ": reference " + reference.axis() + "="
          + reference.level() + " is not a level of its axes");
    }
    base = base == null ? List.of() : List.copyOf(base);
    metrics = metrics == null || metrics.isEmpty() ? List.of("mse", "mae") : List.copyOf(metrics);
    seeds = List.copyOf(seeds);
  }

  /**
   * Reads a study file.
   *
   * @throws IllegalArgumentException when the file is not a valid study: the message names the
   *     file, and for malformed JSON the line and column where reading stopped
   */
  public static Study read(Path file) throws IOException {
    JsonReader in = new JsonReader(new StringReader(Files.readString(file)));
    Study s;
    try {
      s = new Gson().fromJson(in, Study.class);
      if (s != null && !atEnd(in)) {
        throw new JsonSyntaxException("more text after the study's closing brace");
      }
    } catch (RuntimeException e) {
      // Gson builds the record through its canonical constructor, whose checks arrive wrapped.
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof IllegalArgumentException invalid) {
          throw new IllegalArgumentException(file + ": " + invalid.getMessage());
        }
      }
      if (e instanceof JsonParseException) {
        throw new IllegalArgumentException(file + ": " + where(in) + ": " + reason(e));
      }
      throw e;
    }
    if (s == null) {
      throw new IllegalArgumentException(file + " is empty");
    }
    return s;
  }

  /** Whether nothing but white space follows what was read. */
  private static boolean atEnd(JsonReader in) {
    try {
      return in.peek() == JsonToken.END_DOCUMENT;
    } catch (IOException e) {
      return false; // a second value, or anything else after the first
    }
  }

  /** "line L, column C" of where the reader stopped, from its description (Gson has no getter). */
  private static String where(JsonReader in) {
    Matcher m = Pattern.compile("line (\\d+) column (\\d+)").matcher(in.toString());
    return m.find() ? "line " + m.group(1) + ", column " + m.group(2) : "here";
  }

  /**
   * Gson's own sentence without what a reader of a study does not need: the exception class it
   * wraps, the position (said once, by {@link #where}) and the link to Gson's troubleshooting page.
   */
  private static String reason(Exception e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause().getMessage() != null) {
      t = t.getCause();
    }
    String first = t.getMessage() == null ? "not a study" : t.getMessage().lines().findFirst()
        .orElse("");
    return first.replaceFirst("^[\\w.$]+(Exception|Error): ", "")
        .replaceFirst(";? at line \\d+ column \\d+.*$", "")
        .replaceFirst(";? at path .*$", "");
  }

  /** Every cell: one level of each axis and a seed, in axis order then seed order. */
  public List<Cell> cells() {
    List<Map<String, String>> combos = new ArrayList<>();
    combos.add(new LinkedHashMap<>());
    for (Map.Entry<String, LinkedHashMap<String, List<String>>> axis : axes.entrySet()) {
      List<Map<String, String>> next = new ArrayList<>();
      for (Map<String, String> c : combos) {
        for (String level : axis.getValue().keySet()) {
          Map<String, String> d = new LinkedHashMap<>(c);
          d.put(axis.getKey(), level);
          next.add(d);
        }
      }
      combos = next;
    }
    List<Cell> cells = new ArrayList<>();
    for (Map<String, String> levels : combos) {
      for (long seed : seeds) {
        List<String> args = new ArrayList<>(List.of(command));
        args.addAll(base);
        levels.forEach((axis, level) -> args.addAll(axes.get(axis).get(level)));
        args.addAll(List.of("--seed", Long.toString(seed)));
        cells.add(new Cell(levels, seed, args));
      }
    }
    return cells;
  }
}
