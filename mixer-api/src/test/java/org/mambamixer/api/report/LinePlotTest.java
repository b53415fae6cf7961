package org.mambamixer.api.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinePlotTest {
  @TempDir Path dir;

  /** Pixels within a small distance of {@code c}: antialiasing blends only the line's edges. */
  private static List<int[]> pixelsOf(BufferedImage img, Color c) {
    List<int[]> hits = new ArrayList<>();
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        Color p = new Color(img.getRGB(x, y));
        int d = Math.abs(p.getRed() - c.getRed()) + Math.abs(p.getGreen() - c.getGreen())
            + Math.abs(p.getBlue() - c.getBlue());
        if (d < 40) {
          hits.add(new int[] {x, y});
        }
      }
    }
    return hits;
  }

  private static double meanRow(List<int[]> pixels, int xFrom, int xTo) {
    return pixels.stream().filter(p -> p[0] >= xFrom && p[0] < xTo).mapToInt(p -> p[1]).average().orElseThrow();
  }

  @Test
  void writesADecodablePngOfTheRequestedSizeWithRisingAndFallingSeriesWhereExpected()
      throws IOException {
    int n = 200;
    double[] x = new double[n];
    double[] up = new double[n];
    double[] down = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = i;
      up[i] = i * 0.5;
      down[i] = 100 - i * 0.5;
    }
    Path png = dir.resolve("plots/loss.png");
    new LinePlot("rising and falling").xLabel("step").yLabel("value").size(640, 400)
        .series("up", x, up).series("down", x, down).write(png);

    BufferedImage img = ImageIO.read(png.toFile());
    assertThat(img.getWidth()).isEqualTo(640);
    assertThat(img.getHeight()).isEqualTo(400);
    List<int[]> blue = pixelsOf(img, LinePlot.color(0));
    List<int[]> orange = pixelsOf(img, LinePlot.color(1));
    assertThat(blue).hasSizeGreaterThan(300); // a line across the plot, not a legend swatch only
    assertThat(orange).hasSizeGreaterThan(300);
    // Image rows grow downwards: a rising line sits higher (smaller row) on the right.
    assertThat(meanRow(blue, 400, 560)).isLessThan(meanRow(blue, 100, 250) - 100);
    assertThat(meanRow(orange, 400, 560)).isGreaterThan(meanRow(orange, 100, 250) + 100);
    try (Stream<Path> files = Files.list(png.getParent())) {
      assertThat(files).hasSize(1);
    }
  }

  @Test
  void logScaleSpacesDecadesEvenly() {
    // y = 10^(x/10) is a straight line on a log axis: equal x steps, equal pixel steps.
    int n = 41;
    double[] x = new double[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = i;
      y[i] = Math.pow(10, i / 10.0);
    }
    BufferedImage img = new LinePlot("").size(500, 400).logY(true).series("", x, y).render();
    List<int[]> line = pixelsOf(img, LinePlot.color(0));
    int w = img.getWidth();
    double r1 = meanRow(line, w * 2 / 10, w * 3 / 10);
    double r2 = meanRow(line, w * 4 / 10, w * 5 / 10);
    double r3 = meanRow(line, w * 6 / 10, w * 7 / 10);
    assertThat(r1 - r2).isCloseTo(r2 - r3, org.assertj.core.api.Assertions.within(6.0));
    assertThat(r1 - r2).isGreaterThan(40);
  }

  @Test
  void markerAndNaNGapsAreDrawnAsAsked() {
    double[] y = new double[100];
    for (int i = 0; i < y.length; i++) {
      y[i] = i >= 40 && i < 60 ? Double.NaN : 1.0; // a flat line with a gap in the middle
    }
    BufferedImage img = new LinePlot("").size(500, 300).marker(80, "").series("", y).render();
    List<int[]> line = pixelsOf(img, LinePlot.color(0));
    int minX = line.stream().mapToInt(p -> p[0]).min().orElseThrow();
    int maxX = line.stream().mapToInt(p -> p[0]).max().orElseThrow();
    double perIndex = (maxX - minX) / 99.0;
    int gapFrom = (int) (minX + 41 * perIndex);
    int gapTo = (int) (minX + 58 * perIndex);
    assertThat(line).noneMatch(p -> p[0] > gapFrom && p[0] < gapTo);
    assertThat(line).anyMatch(p -> p[0] < gapFrom).anyMatch(p -> p[0] > gapTo);
    // The dashed marker is grey, in the column of x = 80.
    int markerCol = (int) Math.round(minX + 80 * perIndex);
    long grey = 0;
    for (int yy = 0; yy < img.getHeight(); yy++) {
      for (int dx = -1; dx <= 1; dx++) {
        Color p = new Color(img.getRGB(markerCol + dx, yy));
        if (p.getRed() < 160 && Math.abs(p.getRed() - p.getBlue()) < 10) {
          grey++;
        }
      }
    }
    assertThat(grey).isGreaterThan(50);
  }

  @Test
  void gridComposesChartsIntoOneImage() throws IOException {
    List<LinePlot> windows = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      double[] t = new double[48];
      for (int i = 0; i < t.length; i++) {
        t[i] = Math.sin(i / 4.0 + w);
      }
      windows.add(new LinePlot("window " + w).size(400, 260).series("truth", t));
    }
    Path png = dir.resolve("windows.png");
    LinePlot.writeGrid(png, null, 2, windows);
    BufferedImage img = ImageIO.read(png.toFile());
    assertThat(img.getWidth()).isEqualTo(800);
    assertThat(img.getHeight()).isEqualTo(520);
    List<int[]> blue = pixelsOf(img, LinePlot.color(0));
    for (int cell = 0; cell < 4; cell++) {
      int cx = cell % 2 * 400;
      int cy = cell / 2 * 260;
      assertThat(blue).as("cell %d", cell)
          .anyMatch(p -> p[0] >= cx && p[0] < cx + 400 && p[1] >= cy && p[1] < cy + 260);
    }
    BufferedImage titled = LinePlot.grid("Forecasts", 3, windows);
    assertThat(titled.getWidth()).isEqualTo(1200);
    assertThat(titled.getHeight()).isGreaterThan(520).isLessThan(600);
  }

  @Test
  void rejectsMismatchedSeries() {
    assertThatThrownBy(() -> new LinePlot("t").series("s", new double[3], new double[2]))
        .hasMessageContaining("series 's'").hasMessageContaining("x has 3 points, y has 2");
    assertThatThrownBy(() -> new LinePlot("t").size(10, 10)).hasMessageContaining("at least");
  }

  @Test
  void anEmptyChartStillRenders() {
    BufferedImage img = new LinePlot("nothing yet").render();
    assertThat(img.getWidth()).isEqualTo(800);
    assertThat(pixelsOf(img, LinePlot.color(0))).isEmpty();
  }
}
