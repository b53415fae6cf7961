package org.mambamixer.sequence.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mambamixer.runtime.data.ImageSet;
import org.mambamixer.runtime.data.Normalization;

class PixelSequencesTest {
  private static final Normalization UNIT = new Normalization(new float[] {0}, new float[] {1});

  /** Two 28 x 28 images whose pixel j holds j mod 256 (image 0) and 255 - that (image 1). */
  private static ImageSet ramps() {
    byte[] px = new byte[2 * 784];
    for (int j = 0; j < 784; j++) {
      px[j] = (byte) (j % 256);
      px[784 + j] = (byte) (255 - j % 256);
    }
    return new ImageSet("ramps", px, new int[] {3, 7}, 28, 28, 1, List.of("0", "1", "2", "3", "4",
        "5", "6", "7", "8", "9"), 0);
  }

  @Test
  void sequentialOrderReadsRowMajorAndTokensHoldConsecutivePixels() {
    PixelSequences s = new PixelSequences(ramps(), PixelOrder.sequential(784), UNIT, 196);
    assertThat(s.perToken()).isEqualTo(4);
    float[] x = s.batch(new int[] {1, 0}); // (2, 196, 4)
    assertThat(x).hasSize(2 * 784);
    // Image 0, token 1 = pixels 4..7; image 1 comes first in the batch.
    assertThat(Arrays.copyOfRange(x, 784 + 4, 784 + 8))
        .containsExactly(new float[] {4 / 255f, 5 / 255f, 6 / 255f, 7 / 255f}, within(1e-7f));
    assertThat(x[0]).isCloseTo(1f, within(1e-7f));
    assertThat(s.label(1)).isEqualTo(7);
  }

  @Test
  void permutationIsFixedBySeedAndVisitsEveryPixelOnce() {
    PixelOrder a = PixelOrder.permuted(784, 42);
    PixelOrder b = PixelOrder.permuted(784, 42);
    PixelOrder c = PixelOrder.permuted(784, 43);
    int[] ia = new int[784];
    int[] ib = new int[784];
    int[] ic = new int[784];
    for (int j = 0; j < 784; j++) {
      ia[j] = a.source(j);
      ib[j] = b.source(j);
      ic[j] = c.source(j);
    }
    assertThat(ia).containsExactly(ib).isNotEqualTo(ic);
    int[] identity = new int[784];
    Arrays.setAll(identity, j -> PixelOrder.sequential(784).source(j));
    assertThat(Arrays.stream(ia).sorted().toArray()).containsExactly(identity);
    assertThat(a.isPermuted()).isTrue();
    assertThat(a.seed()).isEqualTo(42);
    PixelSequences s = new PixelSequences(ramps(), a, UNIT, 784);
    float[] x = s.batch(new int[] {0});
    assertThat(x[5]).isCloseTo((ia[5] % 256) / 255f, within(1e-7f));
  }

  @Test
  void refusesALengthThatDoesNotDivideTheImage() {
    assertThatThrownBy(() -> new PixelSequences(ramps(), PixelOrder.sequential(784), UNIT, 100))
        .hasMessageContaining("length must divide the 784 pixels");
  }
}
