package org.mambamixer.vision.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mambamixer.runtime.data.IdxFiles;
import org.mambamixer.runtime.data.ImageSet;
import org.mambamixer.runtime.data.Normalization;

/**
 * The shared image files. Skipped with the reason where they are absent, except under CI (env CI
 * set), where their absence fails.
 */
public class RealImageDataTest {
  private static final Path DIR =
      Path.of(System.getProperty("mixer.data.dir", "../shared/data"), "images");

  public static Path require(String sub) {
    Path p = DIR.resolve(sub);
    boolean present = Files.exists(p);
    if (System.getenv("CI") != null) {
      assertThat(present).as("CI needs the image data at %s", p.toAbsolutePath()).isTrue();
    }
    Assumptions.assumeTrue(present, "no image data at " + p.toAbsolutePath());
    return p;
  }

  @Test
  void fashionMnistTestSplit() throws IOException {
    ImageSet set = IdxFiles.readSplit(require("fashion-mnist"), "t10k", IdxFiles.FASHION_MNIST);
    assertThat(set.size()).isEqualTo(10000);
    assertThat(set.height()).isEqualTo(28);
    assertThat(set.width()).isEqualTo(28);
    assertThat(set.classCounts()).containsOnly(1000);
    assertThat(set.labels()).startsWith(9, 2, 1, 1, 6);
    assertThat(Normalization.fit(set).mean()[0]).isCloseTo(0.2868f, within(0.002f));
    assertThat(set.skipped()).isZero();
  }

  @Test
  void digitsThroughTheirImageSource() throws IOException {
    require("sklearn-digits");
    ImageSource.Splits s = ImageSource.named("digits").load(DIR, 0);
    assertThat(s.train().size() + s.test().size()).isEqualTo(1797);
    assertThat(s.test().size()).isEqualTo(1797 / 5);
    assertThat(s.test().height()).isEqualTo(8);
    assertThat(Normalization.fit(s.train()).mean()[0])
        .isCloseTo(ImageSource.DIGITS.normalization(s).mean()[0], within(0.01f));
  }

  @Test
  @Tag("slow")
  void cifar10JpegTestArchive() throws IOException {
    ImageSet set = CifarJpegTar.read(require("cifar10-jpeg/cifar10-jpeg-test.tar.gz"));
    assertThat(set.size()).isEqualTo(10000);
    assertThat(set.classes()).containsExactly("airplane", "automobile", "bird", "cat", "deer",
        "dog", "frog", "horse", "ship", "truck");
    assertThat(set.classCounts()).containsOnly(1000);
    assertThat(set.height()).isEqualTo(32);
    assertThat(set.channels()).isEqualTo(3);
  }
}
