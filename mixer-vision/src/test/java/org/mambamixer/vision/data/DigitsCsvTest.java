package org.mambamixer.vision.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mambamixer.runtime.data.CorruptDataException;
import org.mambamixer.runtime.data.ImageSet;

class DigitsCsvTest {

  /** n rows; row i has pixel k = (i + k) % 17 and label i % 10. */
  private static Path write(Path dir, int n) throws IOException {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < 64; k++) {
        b.append((i + k) % 17).append(',');
      }
      b.append(i % 10).append('\n');
    }
    return Files.writeString(dir.resolve("digits.csv"), b.toString());
  }

  @Test
  void readsScaledPixelsAndLabels(@TempDir Path dir) throws IOException {
    ImageSet s = DigitsCsv.read(write(dir, 12));
    assertThat(s.size()).isEqualTo(12);
    assertThat(s.height()).isEqualTo(8);
    assertThat(s.channels()).isEqualTo(1);
    assertThat(s.labels()[11]).isEqualTo(1);
    assertThat(s.pixel(3, 0, 0, 0)).isEqualTo(Math.round(3 * 255f / 16)); // 48
    assertThat(s.pixel(0, 1, 7, 0)).isEqualTo(239); // k = 15: 15 * 255 / 16 = 239.06
    assertThat(s.pixel(1, 1, 7, 0)).isEqualTo(255); // 16 is the top value
  }

  @Test
  void splitHoldsOutAFifthDisjointly(@TempDir Path dir) throws IOException {
    Path f = write(dir, 20);
    ImageSet train = DigitsCsv.split(f, true);
    ImageSet test = DigitsCsv.split(f, false);
    assertThat(test.size()).isEqualTo(4);
    assertThat(train.size()).isEqualTo(16);
    Set<Integer> firsts = new HashSet<>(); // pixel 0 of row i is i % 17: unique for i < 17
    for (ImageSet s : new ImageSet[] {train, test}) {
      for (int i = 0; i < s.size(); i++) {
        firsts.add(s.pixel(i, 0, 0, 0) * 10 + s.labels()[i]);
      }
    }
    assertThat(firsts).hasSize(20);
  }

  @Test
  void aMalformedRowIsNamedByFileAndLine(@TempDir Path dir) throws IOException {
    Path f = write(dir, 3);
    Files.writeString(f, Files.readString(f) + "1,2,3\n");
    assertThatThrownBy(() -> DigitsCsv.read(f)).isInstanceOf(CorruptDataException.class)
        .hasMessageContaining(f + ", line 4").hasMessageContaining("3 values");
    Files.writeString(f, "17," + "0,".repeat(63) + "1\n");
    assertThatThrownBy(() -> DigitsCsv.read(f)).hasMessageContaining("line 1, value 1")
        .hasMessageContaining("outside 0..16");
  }
}
