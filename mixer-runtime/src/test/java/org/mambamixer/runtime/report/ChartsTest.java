package org.mambamixer.runtime.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;

class ChartsTest {
  @TempDir Path dir;

  private static XYChart chart(String title) {
    XYChart c = Charts.line(title, "epoch", "MSE");
    Charts.series(c, "train", new double[] {1, 2, 3}, new double[] {0.9, 0.5, 0.4});
    return Charts.series(c, "validation", new double[] {1, 2, 3}, new double[] {1.0, 0.7, 0.8});
  }

  @Test
  void writesAReadablePngOfTheChartSizeAndLeavesNoTemporaryFile() throws Exception {
    Path png = dir.resolve("loss.png");
    Charts.write(png, chart("curves"));
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(800);
    assertThat(image.getHeight()).isEqualTo(500);
    // Drawn, not blank: the plot holds more than the background colour.
    long colours = java.util.stream.IntStream.range(0, 800 * 500)
        .map(i -> image.getRGB(i % 800, i / 800)).distinct().count();
    assertThat(colours).isGreaterThan(10);
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("loss.png");
    }
  }

  @Test
  void gridPlacesChartsInColumnsUnderATitle() throws Exception {
    Path png = dir.resolve("grid.png");
    Charts.writeGrid(png, "four windows", 2, List.of(chart("a"), chart("b"), chart("c")));
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(1600);
    assertThat(image.getHeight()).isEqualTo(2 * 500 + 40);
  }

  @Test
  void mismatchedSeriesAreRefusedByName() {
    XYChart c = Charts.line("t", "x", "y");
    assertThatThrownBy(() -> Charts.series(c, "truth", new double[2], new double[3]))
        .hasMessageContaining("truth").hasMessageContaining("2 and 3");
  }
}
