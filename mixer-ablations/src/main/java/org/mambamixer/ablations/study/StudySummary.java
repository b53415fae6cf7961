package org.mambamixer.ablations.study;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.mambamixer.runtime.report.AtomicFiles;
import org.mambamixer.runtime.report.Table;

/**
 * A study's tables and chart: {@code cells.csv} (every cell, failed ones with their error),
 * {@code summary.csv}/{@code summary.md} (per combination of levels: cells, mean and standard
 * deviation of each metric over seeds, and against the reference level with the other levels
 * equal: the difference of the means, its 95 % interval and Welch's t), and {@code summary.png}:
 * with a reference, each row's difference of the first metric to it with its 95 % interval (a
 * difference of 0.004 on a metric of 0.4 is invisible on bars drawn from zero), else the means
 * with ±1 std bars.
 */
public final class StudySummary {
  private final Study study;
  private final Map<String, Cell> cells;
  private final List<CellResult> results;

  public StudySummary(Study study, Map<String, Cell> cells, List<CellResult> results) {
    this.study = study;
    this.cells = cells;
    this.results = results;
  }

  /**
   * One row of the summary: a combination of levels, its statistics per metric and the values
   * they come from (the ok cells').
   */
  record Group(Map<String, String> levels, int ok, int failed, Map<String, double[]> meanStd,
      Map<String, double[]> values) {}

  public void write(Path dir) throws IOException {
    List<String> axes = new ArrayList<>(study.axes().keySet());
    List<String> cellColumns = new ArrayList<>(axes);
    cellColumns.addAll(List.of("seed", "status"));
    cellColumns.addAll(study.metrics());
    cellColumns.addAll(List.of("seconds", "error"));
    Table cellTable = Table.of(cellColumns);
    for (CellResult r : results.stream().sorted(java.util.Comparator.comparing(CellResult::cellId))
        .toList()) {
      Cell c = cells.get(r.cellId());
      List<Object> row = new ArrayList<>();
      axes.forEach(a -> row.add(c.levels().get(a)));
      row.add(c.seed());
      row.add(r.ok() ? "ok" : "failed");
      study.metrics().forEach(m -> row.add(r.metrics().getOrDefault(m, Double.NaN)));
      row.add(Math.round(r.seconds() * 10) / 10.0);
      row.add(r.error());
      cellTable = cellTable.append(row);
    }
    cellTable.writeCsv(dir.resolve("cells.csv"));

    List<Group> groups = groups(axes);
    List<String> columns = new ArrayList<>(axes);
    columns.addAll(List.of("cells", "failed"));
    for (String m : study.metrics()) {
      columns.addAll(List.of(m + "_mean", m + "_std"));
      if (study.reference() != null) {
        columns.addAll(List.of(m + "_delta", m + "_delta_low", m + "_delta_high",
            m + "_welch_t"));
      }
    }
    Table summary = Table.of(columns);
    for (Group g : groups) {
      List<Object> row = new ArrayList<>();
      axes.forEach(a -> row.add(g.levels().get(a)));
      row.add(g.ok());
      row.add(g.failed());
      for (String m : study.metrics()) {
        double[] ms = g.meanStd().get(m);
        row.add(ms[0]);
        row.add(ms[1]);
        if (study.reference() != null) {
          Welch w = versusReference(groups, g, m);
          row.add(w == null ? Double.NaN : w.delta());
          row.add(w == null ? Double.NaN : w.low());
          row.add(w == null ? Double.NaN : w.high());
          row.add(w == null ? Double.NaN : w.t());
        }
      }
      summary = summary.append(row);
    }
    summary.writeCsv(dir.resolve("summary.csv"));
    summary.writeMarkdown(dir.resolve("summary.md"), 4);
    chart(dir.resolve("summary.png"), axes, groups);
  }

  private List<Group> groups(List<String> axes) {
    Map<Map<String, String>, List<CellResult>> byLevels = new LinkedHashMap<>();
    for (Cell c : study.cells()) {
      byLevels.computeIfAbsent(c.levels(), k -> new ArrayList<>());
    }
    for (CellResult r : results) {
      byLevels.get(cells.get(r.cellId()).levels()).add(r);
    }
    List<Group> out = new ArrayList<>();
    byLevels.forEach((levels, rs) -> {
      Map<String, double[]> stats = new LinkedHashMap<>();
      Map<String, double[]> values = new LinkedHashMap<>();
      for (String m : study.metrics()) {
        double[] v = rs.stream().filter(CellResult::ok).mapToDouble(r -> r.metrics().get(m))
            .toArray();
        stats.put(m, meanStd(v));
        values.put(m, v);
      }
      int ok = (int) rs.stream().filter(CellResult::ok).count();
      out.add(new Group(levels, ok, rs.size() - ok, stats, values));
    });
    return out;
  }

  /** Sample mean and standard deviation (n - 1); NaN where there is no value (std: fewer than 2). */
  static double[] meanStd(double[] v) {
    if (v.length == 0) {
      return new double[] {Double.NaN, Double.NaN};
    }
    double mean = java.util.Arrays.stream(v).average().orElse(Double.NaN);
    double ss = java.util.Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum();
    return new double[] {mean, v.length < 2 ? Double.NaN : Math.sqrt(ss / (v.length - 1))};
  }

  private Group reference(List<Group> groups, Group g) {
    Map<String, String> want = new LinkedHashMap<>(g.levels());
    want.put(study.reference().axis(), study.reference().level());
    return groups.stream().filter(o -> o.levels().equals(want)).findFirst().orElse(null);
  }

  /** {@code g} against its reference row on metric {@code m}; null without one. */
  private Welch versusReference(List<Group> groups, Group g, String m) {
    Group ref = reference(groups, g);
    return ref == null ? null : Welch.of(g.values().get(m), ref.values().get(m));
  }

  private void chart(Path png, List<String> axes, List<Group> groups) throws IOException {
    String metric = study.metrics().get(0);
    List<String> names = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    List<Double> errors = new ArrayList<>();
    if (study.reference() != null) {
      for (Group g : groups) {
        Welch w = versusReference(groups, g, metric);
        if (w != null && g != reference(groups, g)) { // the reference itself is the zero line
          names.add(name(axes, g));
          values.add(Double.isNaN(w.delta()) ? 0 : w.delta());
          errors.add(Double.isNaN(w.high()) ? 0 : w.high() - w.delta());
        }
      }
    }
    boolean deltas = !names.isEmpty();
    if (!deltas) {
      for (Group g : groups) {
        double[] ms = g.meanStd().get(metric);
        names.add(name(axes, g));
        values.add(Double.isNaN(ms[0]) ? 0 : ms[0]);
        errors.add(Double.isNaN(ms[1]) ? 0 : ms[1]);
      }
    }
    CategoryChart chart = new CategoryChartBuilder().width(1000).height(560)
        .title(study.name() + ": " + (deltas ? metric + " minus the reference's ("
            + study.reference().axis() + " = " + study.reference().level()
            + "), 95 % interval (Welch)" : metric + " (mean ± std over seeds)"))
        .xAxisTitle(String.join(" / ", axes))
        .yAxisTitle(deltas ? "difference of " + metric : metric).build();
    chart.getStyler().setLegendVisible(false);
    chart.getStyler().setXAxisLabelRotation(30);
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    chart.addSeries(metric, names, values, errors);
    java.awt.image.BufferedImage image = BitmapEncoder.getBufferedImage(chart);
    AtomicFiles.write(png, out -> javax.imageio.ImageIO.write(image, "png", out));
  }

  private static String name(List<String> axes, Group g) {
    return String.join(" / ", axes.stream().map(g.levels()::get).toList());
  }
}
