package org.mambamixer.ablations.study;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

  /** Reads a study file, naming the file in every error. */
  public static Study read(Path file) throws IOException {
    try {
      Study s = new Gson().fromJson(Files.readString(file), Study.class);
      if (s == null) {
        throw new IOException(file + " is empty");
      }
      return new Study(s.name(), s.command(), s.base(), s.axes(), s.seeds(), s.reference(),
          s.metrics());
    } catch (JsonParseException | IllegalArgumentException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
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
