package org.mambamixer.vision.data;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mambamixer.runtime.data.ImageSet;
import org.mambamixer.runtime.data.Normalization;

class ImageDatasetTest {

  /** 5 grey 3 x 4 images; image i has pixel (y, x) = 10 * (4y + x) + i. */
  static ImageSet ramp() {
    byte[] p = new byte[5 * 12];
    for (int i = 0; i < 5; i++) {
      for (int k = 0; k < 12; k++) {
        p[i * 12 + k] = (byte) (10 * k + i);
      }
    }
    return new ImageSet("ramp", p, new int[] {0, 1, 0, 1, 1}, 3, 4, 1, List.of("a", "b"), 0);
  }

  private static final Normalization HALF =
      new Normalization(new float[] {0.5f}, new float[] {0.25f});

  @Test
  void evaluationBatchesAreNormalisedInOrder() throws Exception {
    ImageDataset ds = ImageDataset.evaluation(ramp(), HALF, 2);
    try (NDManager m = NDManager.newBaseManager()) {
      List<Float> labels = new ArrayList<>();
      List<Shape> shapes = new ArrayList<>();
      float first = Float.NaN;
      for (Batch b : ds.getData(m)) {
        shapes.add(b.getData().head().getShape());
        if (Float.isNaN(first)) {
          first = b.getData().head().toFloatArray()[5]; // image 0, (1, 1): 10 * 5
        }
        for (float l : b.getLabels().head().toFloatArray()) {
          labels.add(l);
        }
        b.close();
      }
      assertThat(shapes).containsExactly(new Shape(2, 1, 3, 4), new Shape(2, 1, 3, 4),
          new Shape(1, 1, 3, 4));
      assertThat(labels).containsExactly(0f, 1f, 0f, 1f, 1f);
      assertThat(first).isCloseTo((50 / 255f - 0.5f) / 0.25f, org.assertj.core.data.Offset
          .offset(1e-6f));
    }
  }

  @Test
  void augmentationIsSeededPerSampleAndEpoch() {
    ImageDataset a = ImageDataset.training(ramp(), HALF, new Augmentation(1, true), 2, 42);
    ImageDataset b = ImageDataset.training(ramp(), HALF, new Augmentation(1, true), 2, 42);
    assertThat(a.pixels(3, 0)).containsExactly(b.pixels(3, 0));
    Set<String> variants = new HashSet<>();
    for (int e = 0; e < 40; e++) {
      variants.add(java.util.Arrays.toString(a.pixels(3, e)));
    }
    // 3 x 3 offsets times 2 flips; 40 epochs see most of the 18 variants.
    assertThat(variants.size()).isBetween(10, 18);
  }

  @Test
  void cropsShiftWithZeroPaddingAndFlipsMirror() {
    ImageSet img = ramp();
    float zero = (0 - 0.5f) / 0.25f;
    boolean sawFlipOnly = false;
    boolean sawShift = false;
    ImageDataset ds = ImageDataset.training(img, HALF, new Augmentation(1, true), 1, 7);
    float[] plain = ImageDataset.evaluation(img, HALF, 1).pixels(2, 0);
    for (int e = 0; e < 200; e++) {
      float[] out = ds.pixels(2, e);
      // Mirrored and unshifted: out(y, x) == plain(y, 3 - x).
      boolean mirrored = true;
      for (int y = 0; y < 3; y++) {
        for (int x = 0; x < 4; x++) {
          mirrored &= out[y * 4 + x] == plain[y * 4 + 3 - x];
        }
      }
      sawFlipOnly |= mirrored;
      // Shifted down by one, unflipped: first row is padding, row 1 is the original row 0.
      boolean down = true;
      for (int x = 0; x < 4; x++) {
        down &= out[x] == zero && out[4 + x] == plain[x];
      }
      sawShift |= down;
    }
    assertThat(sawFlipOnly).isTrue();
    assertThat(sawShift).isTrue();
  }

  @Test
  void epochShuffleIsAPermutationFixedBySeedAndEpoch() {
    long[] p0 = EpochShuffle.permutation(3, 0, 50);
    assertThat(p0).containsExactlyInAnyOrder(java.util.stream.LongStream.range(0, 50).toArray());
    assertThat(EpochShuffle.permutation(3, 0, 50)).containsExactly(p0);
    assertThat(EpochShuffle.permutation(3, 1, 50)).isNotEqualTo(p0);
    assertThat(EpochShuffle.permutation(4, 0, 50)).isNotEqualTo(p0);
  }

  /** The order of a training epoch is the one its number fixes, whatever ran before it. */
  @Test
  void theTrainingOrderFollowsTheEpochSetNotTheCallCount() throws Exception {
    ImageDataset ds = ImageDataset.training(ramp(), HALF, Augmentation.NONE, 5, 9);
    try (NDManager m = NDManager.newBaseManager()) {
      ds.setEpoch(3);
      float[] direct = firstPixels(ds, m);
      ds.setEpoch(0);
      firstPixels(ds, m);
      ds.setEpoch(3);
      assertThat(firstPixels(ds, m)).containsExactly(direct);
      float[] expected = new float[5];
      long[] order = EpochShuffle.permutation(9, 3, 5);
      for (int k = 0; k < 5; k++) {
        expected[k] = ((int) order[k] / 255f - 0.5f) / 0.25f; // pixel (0, 0) of image order[k]
      }
      assertThat(direct).containsExactly(expected, org.assertj.core.data.Offset.offset(1e-6f));
    }
  }

  private static float[] firstPixels(ImageDataset ds, NDManager m) throws Exception {
    float[] out = null;
    for (Batch b : ds.getData(m)) {
      try (b) {
        float[] all = b.getData().head().toFloatArray(); // (5, 1, 3, 4)
        out = new float[5];
        for (int k = 0; k < 5; k++) {
          out[k] = all[k * 12];
        }
      }
    }
    return out;
  }

  @Test
  void aHoldoutSplitsDisjointlyAndRepeatsWithTheSeed() {
    ImageSet set = ramp();
    Holdout h = Holdout.of(set, 2, 11);
    assertThat(h.train().size()).isEqualTo(3);
    assertThat(h.val().size()).isEqualTo(2);
    Set<Integer> seen = new HashSet<>();
    for (ImageSet part : List.of(h.train(), h.val())) {
      for (int i = 0; i < part.size(); i++) {
        int original = part.pixel(i, 0, 0, 0); // pixel (0, 0) of image i is i
        assertThat(seen.add(original)).isTrue();
        assertThat(part.labels()[i]).isEqualTo(set.labels()[original]);
        assertThat(part.pixel(i, 2, 3, 0)).isEqualTo(set.pixel(original, 2, 3, 0));
      }
    }
    assertThat(seen).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
    assertThat(Holdout.of(set, 2, 11).val().pixels()).containsExactly(h.val().pixels());
    assertThat(Holdout.of(set, 0, 11).val()).isNull();
  }

  @Test
  void fitMeasuresEachChannel() {
    Normalization n = Normalization.fit(ramp());
    double mean = 0;
    for (int i = 0; i < 5; i++) {
      for (int k = 0; k < 12; k++) {
        mean += (10 * k + i) / 255.0;
      }
    }
    assertThat(n.mean()[0]).isCloseTo((float) (mean / 60), org.assertj.core.data.Offset
        .offset(1e-6f));
  }
}
