package org.mambamixer.vision.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mambamixer.api.scan.ReferenceScan;
import org.mambamixer.runtime.data.ImageSet;
import org.mambamixer.runtime.data.Normalization;
import org.mambamixer.runtime.train.ClassifierConfig;
import org.mambamixer.runtime.report.Table;
import org.mambamixer.runtime.train.Stop;
import org.mambamixer.runtime.train.Trainer;
import org.mambamixer.runtime.train.TrainingListener;
import org.mambamixer.runtime.train.TrainingTask;
import org.mambamixer.vision.data.Augmentation;
import org.mambamixer.vision.data.ImageDataset;
import org.mambamixer.vision.model.CrossScanRoute;
import org.mambamixer.vision.model.Vim2;
import org.mambamixer.vision.model.Vim2Config;

class ClassifierTest {

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

  /** Five epochs through the training loop, validated on a second set: metrics.csv. */
  private static Table run(long seed, Path dir) throws Exception {
    Vim2Config c = new Vim2Config("test", 8, 1, 2, 2, List.of(8), List.of(1), List.of(1), 2, 4,
        CrossScanRoute.ALL, 2, 4);
    ClassifierConfig cfg = new ClassifierConfig(5, 16, 64, 1e-2f, 1e-4f, 1, 0.05f, 0.1f, seed, 0);
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed((int) seed);
      Vim2 model = new Vim2(c, new ReferenceScan());
      model.initialize(m, DataType.FLOAT32, model.inputShape(16));
      Normalization norm = new Normalization(new float[] {0.5f}, new float[] {0.25f});
      Classifier task = new Classifier(model, cfg, ImageDataset.training(stripes(64, 1), norm,
          new Augmentation(1, true), 16, seed), ImageDataset.evaluation(stripes(64, 2), norm, 64));
      try (Trainer t = new Trainer(task, cfg, m, new PrintWriter(Writer.nullWriter()))) {
        return t.fit(dir, false, "{}").metrics();
      }
    }
  }

  @Test
  void learnsASeparableTaskAndRepeatsWithTheSeed(@TempDir Path tmp) throws Exception {
    Table a = run(5, tmp.resolve("a"));
    Table b = run(5, tmp.resolve("b"));
    assertThat(a.doubles("val_top1")[4]).isGreaterThan(0.9);
    assertThat(a.doubles("val_top5")[4]).isEqualTo(1.0); // two classes
    assertThat(a.doubles("train_loss")[4]).isLessThan(a.doubles("train_loss")[0]);
    assertThat(a.doubles("lr")[0]).isEqualTo(5e-3); // warm-up epoch: half the peak
    assertThat(b.doubles("train_loss")).isEqualTo(a.doubles("train_loss"));
    assertThat(b.doubles("val_top1")).isEqualTo(a.doubles("val_top1"));
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
      Trainer clf = new Trainer(new Classifier(model, cfg, ImageDataset.training(stripes(64, 1),
          norm, new Augmentation(1, true), 16, 3), null), cfg, m,
          new PrintWriter(Writer.nullWriter()));
      clf.listen(new TrainingListener() {
        @Override
        public void onBatchEnd(int epoch, int b, int batches, float loss) {
          trained.add(b);
          if (b == 1) {
            Stop.request("SIGINT", 130);
          }
        }
      });
      assertThatThrownBy(() -> clf.train(0, 0, clf.batchesPerEpoch()))
          .isInstanceOfSatisfying(Stop.Stopped.class,
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
      TrainingTask.Inference clf = TrainingTask.Inference.of(model, m);
      Classifier.Views asGiven =
          Classifier.evaluate(clf, ImageDataset.evaluation(images, norm, 16), 2, true);
      Classifier.Views mirrored =
          Classifier.evaluate(clf, ImageDataset.evaluation(mirror(images), norm, 16), 2, true);
      assertThat(mirrored.flipAveraged().confusion())
          .isDeepEqualTo(asGiven.flipAveraged().confusion());
      assertThat(asGiven.single().confusion())
          .isDeepEqualTo(Classifier.evaluate(clf, ImageDataset.evaluation(images, norm, 16), 2)
              .confusion());
      assertThat(Classifier.evaluate(clf, ImageDataset.evaluation(images, norm, 16), 2, false)
          .flipAveraged())
          .isNull();
    }
  }
}
