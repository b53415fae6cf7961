package org.mambamixer.runtime.report;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * PNG charts of a run, drawn by XChart (headless) and written atomically: a single chart, or a
 * grid of charts under one title (e.g. several forecast windows).
 */
public final class Charts {
  private static final int WIDTH = 800;
  private static final int HEIGHT = 500;

  private Charts() {}

  /** An empty line chart with the project's look (legend inside, no markers, light grid). */
  public static XYChart line(String title, String xLabel, String yLabel) {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
        .xAxisTitle(xLabel).yAxisTitle(yLabel).build();
    XYStyler s = chart.getStyler();
    s.setLegendPosition(Styler.LegendPosition.InsideNE);
    s.setChartBackgroundColor(Color.WHITE);
    s.setPlotBackgroundColor(Color.WHITE);
    s.setPlotGridLinesColor(new Color(225, 225, 225));
    s.setMarkerSize(0);
    return chart;
  }

  /** Adds a line series; lengths must match and the series must have at least one point. */
  public static XYChart series(XYChart chart, String name, double[] x, double[] y) {
    if (x.length != y.length || x.length == 0) {
      throw new IllegalArgumentException("series '" + name + "' needs equal, non-zero lengths of"
          + " x and y, got " + x.length + " and " + y.length);
    }
    XYSeries series = chart.addSeries(name, x, y);
    series.setMarker(SeriesMarkers.NONE);
    return chart;
  }

  /** One curve of a run's training chart: its legend name, its metrics column, its y axis. */
  public record Curve(String name, String column, String axis) {}

  /**
   * A run's training curves, drawn alike for every command: each curve's column of the run's
   * metrics table against its {@code epoch} column, which is fractional where a row falls inside
   * an epoch. A curve naming a second axis gets it on the right, so an accuracy can sit beside a
   * loss. Empty cells (no validation set) are left out, and so is a curve without a number.
   */
  public static XYChart trainingCurves(Table metrics, Curve... curves) {
    XYChart chart = line("Training curves", "epoch", curves[0].axis());
    // Equally spaced x values (a row every k batches) become XChart's tick labels, which print
    // as raw doubles (".024390243902439") without a pattern.
    chart.getStyler().setXAxisDecimalPattern("0.##").setMarkerSize(6)
        .setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
    List<String> axes = new ArrayList<>();
    double[] epochs = metrics.doubles("epoch");
    for (Curve c : curves) {
      double[] values = metrics.doubles(c.column());
      int[] kept = IntStream.range(0, values.length).filter(i -> !Double.isNaN(values[i]))
          .toArray();
      if (kept.length == 0) {
        continue;
      }
      if (!axes.contains(c.axis())) {
        axes.add(c.axis());
      }
      if (axes.size() > 2) {
        throw new IllegalArgumentException("a chart has two y axes, the curves name " + axes);
      }
      series(chart, c.name(), IntStream.of(kept).mapToDouble(i -> epochs[i]).toArray(),
          IntStream.of(kept).mapToDouble(i -> values[i]).toArray());
      XYSeries s = chart.getSeriesMap().get(c.name());
      s.setYAxisGroup(axes.indexOf(c.axis()));
      chart.setYAxisGroupTitle(axes.indexOf(c.axis()), c.axis());
      if (kept.length == 1) {
        s.setMarker(SeriesMarkers.CIRCLE); // a lone point has no line to draw
      }
    }
    if (axes.isEmpty()) {
      throw new IllegalArgumentException("no curve has a number in the metrics table");
    }
    return chart;
  }

  /** Writes one chart as a PNG, atomically. */
  public static void write(Path png, XYChart chart) throws IOException {
    BufferedImage image = BitmapEncoder.getBufferedImage(chart);
    AtomicFiles.write(png, out -> ImageIO.write(image, "png", out));
  }

  /** Writes charts as a grid of {@code cols} columns under a title, atomically. */
  public static void writeGrid(Path png, String title, int cols, List<XYChart> charts)
      throws IOException {
    if (charts.isEmpty() || cols <= 0) {
      throw new IllegalArgumentException("a grid needs at least one chart and one column");
    }
    int rows = (charts.size() + cols - 1) / cols;
    int titleHeight = 40;
    BufferedImage grid = new BufferedImage(cols * WIDTH, rows * HEIGHT + titleHeight,
        BufferedImage.TYPE_INT_RGB);
    Graphics2D g = grid.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, grid.getWidth(), grid.getHeight());
      g.setColor(Color.BLACK);
      g.setFont(g.getFont().deriveFont(20f));
      int textWidth = g.getFontMetrics().stringWidth(title);
      g.drawString(title, (grid.getWidth() - textWidth) / 2, 28);
      for (int i = 0; i < charts.size(); i++) {
        XYChart c = charts.get(i);
        c.getStyler().setChartTitleVisible(true);
        BufferedImage tile = BitmapEncoder.getBufferedImage(c);
        g.drawImage(tile, (i % cols) * WIDTH, titleHeight + (i / cols) * HEIGHT, WIDTH, HEIGHT,
            null);
      }
    } finally {
      g.dispose();
    }
    AtomicFiles.write(png, out -> ImageIO.write(grid, "png", out));
  }
}
