package org.mambamixer.vision.train;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.mambamixer.runtime.report.AtomicFiles;
import org.mambamixer.runtime.report.Table;

/**
 * A confusion matrix as a CSV (true class by row, predicted class by column, counts) and as an
 * XChart heat map PNG whose cells show the share of their true class (0 to 1), so that classes
 * of different sizes read alike.
 */
public final class ConfusionChart {
  private ConfusionChart() {}

  /** Writes {@code counts[true][predicted]} with a header of class names, atomically. */
  public static void writeCsv(Path csv, List<String> classes, long[][] counts) throws IOException {
    List<String> columns = new ArrayList<>(List.of("true_class"));
    columns.addAll(classes);
    Table table = Table.of(columns);
    for (int i = 0; i < classes.size(); i++) {
      List<Object> row = new ArrayList<>(List.of(classes.get(i)));
      for (long c : counts[i]) {
        row.add(c);
      }
      table = table.append(row);
    }
    table.writeCsv(csv);
  }

  /** Writes the heat map PNG, atomically. */
  public static void writePng(Path png, String title, List<String> classes, long[][] counts)
      throws IOException {
    int k = classes.size();
    if (counts.length != k) {
      throw new IllegalArgumentException(counts.length + " rows for " + k + " classes");
    }
    int side = Math.max(500, 90 * k + 250); // room for long class names under the columns
    HeatMapChart chart = new HeatMapChartBuilder().width(side).height(side - 60).title(title)
        .xAxisTitle("predicted class").yAxisTitle("true class").build();
    chart.getStyler().setShowValue(true).setMin(0).setMax(1)
        .setRangeColors(new Color[] {Color.WHITE, new Color(33, 102, 172)})
        .setHeatMapValueDecimalPattern("0.00");
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setPlotContentSize(0.95);
    List<Number[]> cells = new ArrayList<>();
    for (int t = 0; t < k; t++) {
      long rowTotal = 0;
      for (long c : counts[t]) {
        rowTotal += c;
      }
      for (int p = 0; p < k; p++) {
        double share = rowTotal == 0 ? 0 : (double) counts[t][p] / rowTotal;
        cells.add(new Number[] {p, k - 1 - t, share});
      }
    }
    List<String> reversed = new ArrayList<>(classes);
    java.util.Collections.reverse(reversed); // first class at the top
    chart.addSeries("share of the true class", classes, reversed, cells);
    var image = BitmapEncoder.getBufferedImage(chart);
    AtomicFiles.write(png, out -> ImageIO.write(image, "png", out));
  }
}
