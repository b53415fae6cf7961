package org.mambamixer.runtime.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxFilesTest {
  @TempDir Path dir;

  @Test
  void readsGzippedIdx() throws IOException {
    byte[] pixels = new byte[3 * 2 * 3];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) (i * 14);
    }
    TestFiles.idxImages(dir.resolve("train-images-idx3-ubyte.gz"), 3, 2, 3, pixels);
    TestFiles.idxLabels(dir.resolve("train-labels-idx1-ubyte.gz"), new byte[] {9, 0, 4});
    ImageSet set = IdxFiles.readSplit(dir, "train", IdxFiles.FASHION_MNIST);
    assertThat(set.size()).isEqualTo(3);
    assertThat(set.height()).isEqualTo(2);
    assertThat(set.width()).isEqualTo(3);
    assertThat(set.channels()).isEqualTo(1);
    assertThat(set.labels()).containsExactly(9, 0, 4);
    assertThat(set.pixel(2, 1, 2, 0)).isEqualTo(17 * 14); // last pixel: index 17
    assertThat(set.pixel(0, 0, 1, 0)).isEqualTo(14);
  }

  @Test
  void corruptIdxFilesAreNamed() throws IOException {
    TestFiles.idxImages(dir.resolve("a.gz"), 3, 2, 3, new byte[18]);
    TestFiles.idxLabels(dir.resolve("l.gz"), new byte[] {1, 2});
    assertThatThrownBy(() -> IdxFiles.read(dir.resolve("a.gz"), dir.resolve("l.gz"),
        IdxFiles.DIGITS)).isInstanceOf(CorruptDataException.class)
        .hasMessageContaining("l.gz holds 2 labels").hasMessageContaining("a.gz holds 3 images");
    // A truncated gzip stream.
    byte[] whole = Files.readAllBytes(dir.resolve("a.gz"));
    Files.write(dir.resolve("cut.gz"), Arrays.copyOf(whole, whole.length - 12));
    assertThatThrownBy(() -> IdxFiles.read(dir.resolve("cut.gz"), dir.resolve("l.gz"),
        IdxFiles.DIGITS)).isInstanceOf(CorruptDataException.class)
        .hasMessageContaining(dir.resolve("cut.gz").toString());
    // Labels swapped for images.
    assertThatThrownBy(() -> IdxFiles.read(dir.resolve("l.gz"), dir.resolve("a.gz"),
        IdxFiles.DIGITS)).hasMessageContaining("l.gz: not an IDX image file");
    TestFiles.idxLabels(dir.resolve("big.gz"), new byte[] {1, 2, 10});
    assertThatThrownBy(() -> IdxFiles.read(dir.resolve("a.gz"), dir.resolve("big.gz"),
        IdxFiles.DIGITS)).hasMessageContaining("big.gz: label 10 of image 2");
  }

  @Test
  void labelsAreCheckedAgainstClasses() {
    assertThatThrownBy(() -> new ImageSet("s", new byte[2], new int[] {0, 2}, 1, 1, 1,
        List.of("a", "b"), 0)).hasMessageContaining("label 2 of image 1");
  }
}
