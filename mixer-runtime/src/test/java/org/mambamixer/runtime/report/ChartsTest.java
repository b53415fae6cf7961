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
import org.knowm.xchart.style.Styler;

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

  /** Rows every 41st of an epoch, as a run validating inside its epochs writes them. */
  private static Table metrics() {
    Table t = Table.of("epoch", "train_loss", "val_top1");
    for (int i = 1; i <= 82; i++) {
      t = t.append(i / 41.0, 2.0 / i, i % 41 == 0 ? (Object) (i / 82.0) : "");
    }
    return t;
  }

  @Test
  void trainingCurvesDrawEveryColumnAgainstEpochsWithAnAccuracyOnItsOwnAxis() throws Exception {
    XYChart c = Charts.trainingCurves(metrics(), new Charts.Curve("train", "train_loss", "loss"),
        new Charts.Curve("validation top-1", "val_top1", "top-1"));
    assertThat(c.getSeriesMap().keySet()).containsExactly("train", "validation top-1");
    assertThat(c.getSeriesMap().get("train").getXData()).hasSize(82);
    assertThat(c.getSeriesMap().get("validation top-1").getXData()).containsExactly(1.0, 2.0);
    assertThat(c.getSeriesMap().get("validation top-1").getYData()).containsExactly(0.5, 1.0);
    assertThat(c.getSeriesMap().get("train").getYAxisGroup()).isZero();
    assertThat(c.getSeriesMap().get("validation top-1").getYAxisGroup()).isEqualTo(1);
    assertThat(c.getYAxisGroupTitle(0)).isEqualTo("loss");
    assertThat(c.getYAxisGroupTitle(1)).isEqualTo("top-1");
    assertThat(c.getStyler().getYAxisGroupPosistion(1)).isEqualTo(Styler.YAxisPosition.Right);
    assertThat(c.getXAxisTitle()).isEqualTo("epoch");
    // Tick labels read as epochs, not as the doubles a 41st of an epoch prints as.
    assertThat(new java.text.DecimalFormat(c.getStyler().getXAxisDecimalPattern(),
        java.text.DecimalFormatSymbols.getInstance(java.util.Locale.ROOT)).format(1 / 41.0))
        .isEqualTo("0.02");
    Charts.write(dir.resolve("loss.png"), c);
    assertThat(ImageIO.read(dir.resolve("loss.png").toFile()).getWidth()).isEqualTo(800);
  }

  @Test
  void aCurveWithoutNumbersIsLeftOutAndAThirdAxisIsRefused() {
    Table noValidation = Table.of("epoch", "train_loss", "val_top1").append(1, 0.9, "");
    XYChart c = Charts.trainingCurves(noValidation, new Charts.Curve("train", "train_loss", "loss"),
        new Charts.Curve("validation top-1", "val_top1", "top-1"));
    assertThat(c.getSeriesMap().keySet()).containsExactly("train");
    assertThatThrownBy(() -> Charts.trainingCurves(metrics(), new Charts.Curve("a", "epoch", "x"),
        new Charts.Curve("b", "train_loss", "y"), new Charts.Curve("c", "val_top1", "z")))
        .hasMessageContaining("two y axes");
  }

  @Test
  void mismatchedSeriesAreRefusedByName() {
    XYChart c = Charts.line("t", "x", "y");
    assertThatThrownBy(() -> Charts.series(c, "truth", new double[2], new double[3]))
        .hasMessageContaining("truth").hasMessageContaining("2 and 3");
  }
}
