package org.mambamixer.api.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A PNG line chart drawn with {@code java.awt} in headless mode: named series, nice-number ticks,
 * axis labels, title, legend, an optional vertical marker (e.g. where a forecast starts) and an
 * optional log-scale y axis. Built fluently, then {@link #render()}ed or {@link #write}n; {@link
 * #grid} composes several charts into one image. Not thread-safe while being built.
 *
 * <p>NaN points (and non-positive ones on a log axis) break a line instead of dragging it to zero.
 */
public final class LinePlot {
  static {
    // Must be decided before the first AWT class initialises; the launcher may already have set it.
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  /** Tableau 10: distinct hues that stay distinguishable for common colour-vision deficiencies. */
  private static final Color[] PALETTE = {
    new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
    new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
    new Color(0xbcbd22), new Color(0x17becf)
  };
  private static final Color INK = new Color(0x222222);
  private static final Color MUTED = new Color(0x555555);
  private static final Color GRID = new Color(0xe5e5e5);
  private static final Color FRAME = new Color(0xb0b0b0);

  /** One line: {@code x} and {@code y} of equal length. */
  public record Series(String name, double[] x, double[] y) {
    public Series {
      if (x.length != y.length || x.length == 0) {
        throw new IllegalArgumentException(
            "series '" + name + "': x has " + x.length + " points, y has " + y.length
                + " (need equal and non-zero)");
      }
    }
  }

  private final String title;
  private String xLabel = "";
  private String yLabel = "";
  private int width = 800;
  private int height = 500;
  private boolean logY;
  private double markerX = Double.NaN;
  private String markerLabel = "";
  private final List<Series> series = new ArrayList<>();

  /** A chart with the given title ({@code ""} for none). */
  public LinePlot(String title) {
    this.title = title == null ? "" : title;
  }

  /** The colour of the {@code i}-th series (0-based); the palette repeats after ten. */
  public static Color color(int i) {
    return PALETTE[Math.floorMod(i, PALETTE.length)];
  }

  public LinePlot xLabel(String label) {
    this.xLabel = label == null ? "" : label;
    return this;
  }

  public LinePlot yLabel(String label) {
    this.yLabel = label == null ? "" : label;
    return this;
  }

  /** Image size in pixels; default 800 x 500. */
  public LinePlot size(int width, int height) {
    if (width < 120 || height < 90) {
      throw new IllegalArgumentException(
          "plot size must be at least 120 x 90, got " + width + " x " + height);
    }
    this.width = width;
    this.height = height;
    return this;
  }

  public LinePlot logY(boolean log) {
    this.logY = log;
    return this;
  }

  /** A dashed vertical line at {@code x}, labelled at its top (label may be empty). */
  public LinePlot marker(double x, String label) {
    if (!Double.isFinite(x)) {
      throw new IllegalArgumentException("marker x must be finite, got " + x);
    }
    this.markerX = x;
    this.markerLabel = label == null ? "" : label;
    return this;
  }

  public LinePlot series(String name, double[] x, double[] y) {
    series.add(new Series(name == null ? "" : name, x.clone(), y.clone()));
    return this;
  }

  /** A series against its index 0, 1, 2, ... */
  public LinePlot series(String name, double[] y) {
    double[] x = new double[y.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = i;
    }
    return series(name, x, y);
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  /** Writes the chart as a PNG, atomically. */
  public void write(Path png) throws IOException {
    writePng(png, render());
  }

  /** Draws the chart. */
  public BufferedImage render() {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      draw(g);
    } finally {
      g.dispose();
    }
    return img;
  }

  /**
   * Composes charts row by row, {@code columns} per row, each in a cell as large as the largest
   * chart, under an optional overall title.
   */
  public static BufferedImage grid(String title, int columns, List<LinePlot> plots) {
    if (plots.isEmpty() || columns < 1) {
      throw new IllegalArgumentException(
          "grid needs charts and columns >= 1, got " + plots.size() + " charts, " + columns
              + " columns");
    }
    int cellW = plots.stream().mapToInt(LinePlot::width).max().orElseThrow();
    int cellH = plots.stream().mapToInt(LinePlot::height).max().orElseThrow();
    int cols = Math.min(columns, plots.size());
    int rows = (plots.size() + cols - 1) / cols;
    boolean titled = title != null && !title.isEmpty();
    Font font = new Font(Font.SANS_SERIF, Font.BOLD, fontSize(cellH) + 4);
    int top = 0;
    BufferedImage img = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
    if (titled) {
      Graphics2D probe = img.createGraphics();
      top = probe.getFontMetrics(font).getHeight() + 12;
      probe.dispose();
    }
    img = new BufferedImage(cols * cellW, top + rows * cellH, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, img.getWidth(), img.getHeight());
      if (titled) {
        hints(g);
        g.setFont(font);
        g.setColor(INK);
        FontMetrics fm = g.getFontMetrics();
        g.drawString(title, (img.getWidth() - fm.stringWidth(title)) / 2, 6 + fm.getAscent());
      }
      for (int i = 0; i < plots.size(); i++) {
        g.drawImage(plots.get(i).render(), (i % cols) * cellW, top + (i / cols) * cellH, null);
      }
    } finally {
      g.dispose();
    }
    return img;
  }

  /** {@link #grid} written as a PNG, atomically. */
  public static void writeGrid(Path png, String title, int columns, List<LinePlot> plots)
      throws IOException {
    writePng(png, grid(title, columns, plots));
  }

  /** Writes any image as a PNG, atomically. */
  public static void writePng(Path png, BufferedImage image) throws IOException {
    AtomicFiles.write(
        png,
        out -> {
          if (!ImageIO.write(image, "png", out)) {
            throw new IOException(png + ": no PNG writer available in this JRE");
          }
        });
  }

  // ---------------------------------------------------------------- drawing

  private static int fontSize(int height) {
    return Math.max(11, Math.min(16, height / 36));
  }

  private static void hints(Graphics2D g) {
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
  }

  private void draw(Graphics2D g) {
    hints(g);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    int fs = fontSize(height);
    Font plain = new Font(Font.SANS_SERIF, Font.PLAIN, fs);
    Font small = new Font(Font.SANS_SERIF, Font.PLAIN, fs - 1);
    Font bold = new Font(Font.SANS_SERIF, Font.BOLD, fs + 2);
    FontMetrics fmSmall = g.getFontMetrics(small);
    FontMetrics fmPlain = g.getFontMetrics(plain);

    double[] xr = range(true);
    double[] yr = range(false);
    NiceTicks xt = NiceTicks.linear(xr[0], xr[1], Math.max(3, width / 110));
    NiceTicks yt = logY
        ? NiceTicks.log(yr[0], yr[1])
        : NiceTicks.linear(yr[0], yr[1], Math.max(3, height / 70));

    int tick = 5;
    int top = title.isEmpty() ? 14 : g.getFontMetrics(bold).getHeight() + 14;
    int labelW = 0;
    for (String l : yt.labels()) {
      labelW = Math.max(labelW, fmSmall.stringWidth(l));
    }
    int left = 10 + (yLabel.isEmpty() ? 0 : fmPlain.getHeight() + 6) + labelW + tick + 4;
    int bottom =
        tick + 4 + fmSmall.getHeight() + (xLabel.isEmpty() ? 0 : fmPlain.getHeight() + 6) + 8;
    String[] xLabels = xt.labels();
    int lastXLabel = xLabels.length == 0 ? 0 : fmSmall.stringWidth(xLabels[xLabels.length - 1]);
    int right = Math.max(18, lastXLabel / 2 + 6);
    Rectangle area = new Rectangle(left, top, width - left - right, height - top - bottom);
    Axis ax = new Axis(xr[0], xr[1], area.x, area.x + area.width, false);
    Axis ay = new Axis(yr[0], yr[1], area.y + area.height, area.y, logY);

    // Grid lines and ticks.
    g.setFont(small);
    g.setStroke(new BasicStroke(1f));
    for (int i = 0; i < xt.values().length; i++) {
      double px = ax.map(xt.values()[i]);
      g.setColor(GRID);
      g.draw(new Line2D.Double(px, area.y, px, area.y + area.height));
      g.setColor(FRAME);
      g.draw(new Line2D.Double(px, area.y + area.height, px, area.y + area.height + tick));
      g.setColor(MUTED);
      String l = xt.labels()[i];
      g.drawString(l, (float) (px - fmSmall.stringWidth(l) / 2.0),
          area.y + area.height + tick + 2 + fmSmall.getAscent());
    }
    for (int i = 0; i < yt.values().length; i++) {
      double py = ay.map(yt.values()[i]);
      g.setColor(GRID);
      g.draw(new Line2D.Double(area.x, py, area.x + area.width, py));
      g.setColor(FRAME);
      g.draw(new Line2D.Double(area.x - tick, py, area.x, py));
      g.setColor(MUTED);
      String l = yt.labels()[i];
      g.drawString(l, area.x - tick - 3 - fmSmall.stringWidth(l),
          (float) (py + fmSmall.getAscent() / 2.0 - 1));
    }
    g.setColor(FRAME);
    g.drawRect(area.x, area.y, area.width, area.height);

    // Title and axis labels.
    g.setColor(INK);
    if (!title.isEmpty()) {
      g.setFont(bold);
      FontMetrics fm = g.getFontMetrics();
      g.drawString(title, area.x + (area.width - fm.stringWidth(title)) / 2, 8 + fm.getAscent());
    }
    g.setFont(plain);
    if (!xLabel.isEmpty()) {
      g.drawString(xLabel, area.x + (area.width - fmPlain.stringWidth(xLabel)) / 2,
          height - 8 - fmPlain.getDescent());
    }
    if (!yLabel.isEmpty()) {
      AffineTransform saved = g.getTransform();
      g.translate(
          10 + fmPlain.getAscent(), area.y + (area.height + fmPlain.stringWidth(yLabel)) / 2.0);
      g.rotate(-Math.PI / 2);
      g.drawString(yLabel, 0, 0);
      g.setTransform(saved);
    }

    // Data, clipped to the plot area.
    Shape clip = g.getClip();
    g.clip(area);
    if (!Double.isNaN(markerX)) {
      double px = ax.map(markerX);
      g.setColor(MUTED);
      float[] dash = {6f, 4f};
      g.setStroke(
          new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, dash, 0f));
      g.draw(new Line2D.Double(px, area.y, px, area.y + area.height));
      if (!markerLabel.isEmpty()) {
        g.setFont(small);
        g.drawString(markerLabel, (float) px + 4, area.y + 4 + fmSmall.getAscent());
      }
    }
    float lineWidth = Math.max(2f, width / 400f);
    g.setStroke(new BasicStroke(lineWidth, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    for (int s = 0; s < series.size(); s++) {
      g.setColor(color(s));
      drawSeries(g, series.get(s), ax, ay, lineWidth);
    }
    g.setClip(clip);
    drawLegend(g, small, area, ax, ay);
  }

  private void drawSeries(Graphics2D g, Series s, Axis ax, Axis ay, float lineWidth) {
    Path2D.Double path = new Path2D.Double();
    boolean pen = false;
    int run = 0;
    for (int i = 0; i < s.x().length; i++) {
      if (!usable(s.x()[i], s.y()[i])) {
        pen = false;
        run = 0;
        continue;
      }
      double px = ax.map(s.x()[i]);
      double py = ay.map(s.y()[i]);
      if (pen) {
        path.lineTo(px, py);
      } else {
        path.moveTo(px, py);
      }
      pen = true;
      boolean isolated =
          ++run == 1 && (i + 1 >= s.x().length || !usable(s.x()[i + 1], s.y()[i + 1]));
      if (isolated) { // a lone point would otherwise be invisible
        double r = lineWidth * 1.5;
        g.fill(new Ellipse2D.Double(px - r, py - r, 2 * r, 2 * r));
      }
    }
    g.draw(path);
  }

  /** Legend in the corner of the plot area that hides the fewest data points. */
  private void drawLegend(Graphics2D g, Font font, Rectangle area, Axis ax, Axis ay) {
    boolean named = series.stream().anyMatch(s -> !s.name().isEmpty());
    if (!named) {
      return;
    }
    g.setFont(font);
    FontMetrics fm = g.getFontMetrics();
    int sample = 22;
    int pad = 6;
    int row = fm.getHeight();
    int textW = series.stream().mapToInt(s -> fm.stringWidth(s.name())).max().orElse(0);
    int w = pad * 3 + sample + textW;
    int h = pad * 2 + row * series.size();
    int inset = 8;
    Rectangle best = null;
    long bestHidden = Long.MAX_VALUE;
    int[][] corners = {{1, 0}, {0, 0}, {1, 1}, {0, 1}}; // top-right first: the usual place
    for (int[] c : corners) {
      Rectangle r = new Rectangle(
          c[0] == 1 ? area.x + area.width - inset - w : area.x + inset,
          c[1] == 1 ? area.y + area.height - inset - h : area.y + inset, w, h);
      long hidden = 0;
      for (Series s : series) {
        for (int i = 0; i < s.x().length; i++) {
          if (usable(s.x()[i], s.y()[i]) && r.contains(ax.map(s.x()[i]), ay.map(s.y()[i]))) {
            hidden++;
          }
        }
      }
      if (hidden < bestHidden) {
        best = r;
        bestHidden = hidden;
      }
    }
    g.setColor(new Color(255, 255, 255, 225));
    g.fill(best);
    g.setColor(FRAME);
    g.setStroke(new BasicStroke(1f));
    g.draw(best);
    for (int s = 0; s < series.size(); s++) {
      int baseline = best.y + pad + s * row + fm.getAscent();
      double mid = baseline - fm.getAscent() / 2.0 + 1;
      g.setColor(color(s));
      g.setStroke(new BasicStroke(2.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
      g.draw(new Line2D.Double(best.x + pad, mid, best.x + pad + sample, mid));
      g.setColor(INK);
      g.drawString(series.get(s).name(), best.x + pad * 2 + sample, baseline);
    }
  }

  private boolean usable(double x, double y) {
    return Double.isFinite(x) && Double.isFinite(y) && (!logY || y > 0);
  }

  /** Data range on one axis; y gets 5% head room each side (in log space on a log axis). */
  private double[] range(boolean xAxis) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      for (int i = 0; i < s.x().length; i++) {
        if (usable(s.x()[i], s.y()[i])) {
          double v = xAxis ? s.x()[i] : s.y()[i];
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    if (xAxis && !Double.isNaN(markerX)) {
      lo = Math.min(lo, markerX);
      hi = Math.max(hi, markerX);
    }
    boolean log = !xAxis && logY;
    if (lo > hi) { // nothing to draw
      return log ? new double[] {1, 10} : new double[] {0, 1};
    }
    if (log) {
      lo = Math.log10(lo);
      hi = Math.log10(hi);
    }
    if (lo == hi) {
      double half = log ? 0.5 : lo == 0 ? 1 : Math.abs(lo) * 0.1;
      lo -= half;
      hi += half;
    } else if (!xAxis) {
      double padding = (hi - lo) * 0.05;
      lo -= padding;
      hi += padding;
    }
    return log ? new double[] {Math.pow(10, lo), Math.pow(10, hi)} : new double[] {lo, hi};
  }

  /** Maps data values to pixel positions, linearly or in log10. */
  private record Axis(double lo, double hi, double p0, double p1, boolean log) {
    double map(double v) {
      double a = log ? Math.log10(lo) : lo;
      double b = log ? Math.log10(hi) : hi;
      double t = ((log ? Math.log10(v) : v) - a) / (b - a);
      return p0 + t * (p1 - p0);
    }
  }
}
