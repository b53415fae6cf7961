package org.mambamixer.vision.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mambamixer.api.scan.ReferenceScan;
import org.mambamixer.runtime.train.Stop;
import org.mambamixer.vision.data.Augmentation;
import org.mambamixer.vision.data.ImageDataset;
import org.mambamixer.vision.data.ImageSet;
import org.mambamixer.vision.data.Normalization;
import org.mambamixer.vision.model.CrossScanRoute;
import org.mambamixer.vision.model.Vim2;
import org.mambamixer.vision.model.Vim2Config;

class ClassifierTest {

  @Test
  void smoothedCrossEntropyMatchesItsDefinition() {
    try (NDManager m = NDManager.newBaseManager()) {
      float loss = Classifier.smoothedCrossEntropy(m.create(new float[][] {{2, 0, 0}, {0, 1, 3}}),
          m.create(new float[] {0, 1}), 0.3f).getFloat();
      double z1 = Math.log(Math.exp(2) + 2);
      double z2 = Math.log(1 + Math.exp(1) + Math.exp(3));
      double l1 = -(0.8 * (2 - z1) + 0.1 * (0 - z1) + 0.1 * (0 - z1));
      double l2 = -(0.1 * (0 - z2) + 0.8 * (1 - z2) + 0.1 * (3 - z2));
      assertThat((double) loss).isCloseTo((l1 + l2) / 2, within(1e-5));
    }
  }

  @Test
  void accuracyCountsTopOneTopFiveAndConfusion() {
    Accuracy acc = new Accuracy(6);
    acc.add(new float[] {
        5, 4, 3, 2, 1, 0, // label 0: top-1
        5, 4, 3, 2, 1, 0, // label 4: rank 5, top-5
        5, 4, 3, 2, 1, 0, // label 5: rank 6, neither
        1, 1, 0, 0, 0, 0}, new int[] {0, 4, 5, 1}); // label 1 ties the max: top-5 only
    assertThat(acc.count()).isEqualTo(4);
    assertThat(acc.top1()).isEqualTo(0.25);
    assertThat(acc.top5()).isEqualTo(0.75);
    assertThat(acc.confusion()[4][0]).isEqualTo(1);
    assertThat(acc.confusion()[1][0]).isEqualTo(1); // argmax takes the first of tied classes
  }

  /** A model that scores every class alike, or diverged to NaN, has not answered. */
  @Test
  void tiesAndNanRowsAreNotCorrect() {
    Accuracy acc = new Accuracy(6);
    float nan = Float.NaN;
    acc.add(new float[] {
        0, 0, 0, 0, 0, 0, // all tied: neither
        5, 4, 3, 2, 1, 1, // label 4 ties the sixth: neither
        nan, nan, nan, nan, nan, nan, // diverged: neither
        9, nan, 0, 0, 0, 0, // one NaN logit: neither
        nan, 1, 0, 0, 0, 0}, // the true class is NaN: neither
        new int[] {0, 4, 0, 0, 1});
    assertThat(acc.count()).isEqualTo(5);
    assertThat(acc.top1()).isEqualTo(0.0);
    assertThat(acc.top5()).isEqualTo(0.0);
  }

  /** Class 0: horizontal stripes, class 1: vertical stripes (period 2), noisy 8 x 8 grey. */
  static ImageSet stripes(int n, long seed) {
    Random r = new Random(seed);
    byte[] p = new byte[n * 64];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % 2;
      for (int y = 0; y < 8; y++) {
        for (int x = 0; x < 8; x++) {
          boolean dark = ((labels[i] == 0 ? y : x) % 2) == 0;
          int v = (dark ? 60 : 190) + (int) (r.nextGaussian() * 30);
          p[i * 64 + y * 8 + x] = (byte) Math.max(0, Math.min(255, v));
        }
      }
    }
    return new ImageSet("stripes", p, labels, 8, 8, 1, List.of("horizontal", "vertical"), 0);
  }

  private static List<Classifier.Epoch> run(long seed) throws Exception {
    Vim2Config c = new Vim2Config("test", 8, 1, 2, 2, List.of(8), List.of(1), List.of(1), 2, 4,
        CrossScanRoute.ALL, 2, 4);
    ClassifierConfig cfg = new ClassifierConfig(5, 16, 64, 1e-2f, 1e-4f, 1, 0.05f, 0.1f, seed, 0);
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed((int) seed);
      Vim2 model = new Vim2(c, new ReferenceScan());
      model.initialize(m, DataType.FLOAT32, model.inputShape(16));
      Classifier clf = new Classifier(model, m, cfg);
      Normalization norm = new Normalization(new float[] {0.5f}, new float[] {0.25f});
      return clf.fit(ImageDataset.training(stripes(64, 1), norm, new Augmentation(1, true), 16,
          seed), ImageDataset.evaluation(stripes(64, 2), norm, 64));
    }
  }

  @Test
  void learnsASeparableTaskAndRepeatsWithTheSeed() throws Exception {
    List<Classifier.Epoch> a = run(5);
    List<Classifier.Epoch> b = run(5);
    assertThat(a.get(4).top1()).isGreaterThan(0.9);
    assertThat(a.get(4).top5()).isEqualTo(1.0); // two classes
    assertThat(a.get(4).trainLoss()).isLessThan(a.get(0).trainLoss());
    assertThat(a.get(0).lr()).isEqualTo(5e-3f); // warm-up epoch: half the peak
    for (int e = 0; e < 5; e++) {
      assertThat(b.get(e).trainLoss()).isEqualTo(a.get(e).trainLoss());
      assertThat(b.get(e).top1()).isEqualTo(a.get(e).top1());
    }
  }

  /** A stop request (what SIGINT sets) during batch 2 ends the training before batch 3. */
  @Test
  void aStopRequestEndsTrainingBeforeTheNextBatch() throws Exception {
    Vim2Config c = new Vim2Config("test", 8, 1, 2, 2, List.of(8), List.of(1), List.of(1), 2, 4,
        CrossScanRoute.ALL, 2, 4);
    ClassifierConfig cfg = new ClassifierConfig(1, 16, 64, 1e-2f, 1e-4f, 0, 0.05f, 0.1f, 3, 0);
    Normalization norm = new Normalization(new float[] {0.5f}, new float[] {0.25f});
    List<Integer> trained = new java.util.ArrayList<>();
    try (NDManager m = NDManager.newBaseManager()) {
      Vim2 model = new Vim2(c, new ReferenceScan());
      model.initialize(m, DataType.FLOAT32, model.inputShape(16));
      Classifier clf = new Classifier(model, m, cfg);
      assertThatThrownBy(() -> clf.trainEpoch(ImageDataset.training(stripes(64, 1), norm,
          new Augmentation(1, true), 16, 3), 0, (b, n, loss) -> {
            trained.add(b);
            if (b == 1) {
              Stop.request("SIGINT", 130);
            }
          })).isInstanceOfSatisfying(Stop.Stopped.class,
              s -> assertThat(s.exitCode()).isEqualTo(130))
          .hasMessageStartingWith("stopped by SIGINT before batch 3 of epoch 1");
    } finally {
      Stop.clear();
    }
    assertThat(trained).containsExactly(0, 1);
  }

  /** Each image mirrored left to right. */
  private static ImageSet mirror(ImageSet s) {
    byte[] p = new byte[s.pixels().length];
    int h = s.height();
    int w = s.width();
    for (int i = 0; i < s.size(); i++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          p[(i * h + y) * w + x] = s.pixels()[(i * h + y) * w + (w - 1 - x)];
        }
      }
    }
    return new ImageSet("mirrored", p, s.labels(), h, w, 1, s.classes(), 0);
  }

  /**
   * Flip averaging scores a set and its mirror image alike, to the last count: each image's two
   * views are the same pair either way. Flipping the wrong axis (or not at all) breaks that.
   */
  @Test
  void flipAveragingScoresASetAndItsMirrorAlike() throws Exception {
    Vim2Config c = new Vim2Config("test", 8, 1, 2, 2, List.of(8), List.of(1), List.of(1), 2, 4,
        CrossScanRoute.ALL, 2, 4);
    ClassifierConfig cfg = new ClassifierConfig(1, 16, 64, 1e-2f, 1e-4f, 0, 0.05f, 0.1f, 3, 0);
    Normalization norm = new Normalization(new float[] {0.5f}, new float[] {0.25f});
    ImageSet images = stripes(48, 4);
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed(3);
      Vim2 model = new Vim2(c, new ReferenceScan());
      model.initialize(m, DataType.FLOAT32, model.inputShape(16));
      Classifier clf = new Classifier(model, m, cfg);
      Classifier.Views asGiven = clf.evaluate(ImageDataset.evaluation(images, norm, 16), true);
      Classifier.Views mirrored =
          clf.evaluate(ImageDataset.evaluation(mirror(images), norm, 16), true);
      assertThat(mirrored.flipAveraged().confusion())
          .isDeepEqualTo(asGiven.flipAveraged().confusion());
      assertThat(asGiven.single().confusion())
          .isDeepEqualTo(clf.evaluate(ImageDataset.evaluation(images, norm, 16)).confusion());
      assertThat(clf.evaluate(ImageDataset.evaluation(images, norm, 16), false).flipAveraged())
          .isNull();
    }
  }
}
