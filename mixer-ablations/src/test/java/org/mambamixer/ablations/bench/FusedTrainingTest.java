package org.mambamixer.ablations.bench;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mambamixer.ablations.Assembled;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.runtime.data.ImageSet;
import org.mambamixer.runtime.data.Normalization;
import org.mambamixer.timeseries.data.WindowSource;
import org.mambamixer.timeseries.model.Tsm2;
import org.mambamixer.timeseries.model.Tsm2Config;
import org.mambamixer.timeseries.train.Forecaster;
import org.mambamixer.timeseries.train.TrainConfig;
import org.mambamixer.vision.data.Augmentation;
import org.mambamixer.vision.data.ImageDataset;
import org.mambamixer.vision.model.Vim2;
import org.mambamixer.vision.model.Vim2Config;
import org.mambamixer.vision.train.Classifier;
import org.mambamixer.runtime.train.ClassifierConfig;
import org.mambamixer.runtime.train.Trainer;
import org.mambamixer.runtime.train.TrainingListener;
import org.mambamixer.runtime.train.TrainingPlan;
import org.mambamixer.runtime.train.TrainingTask;
import org.mambamixer.vision.train.ClassifyRun;

/**
 * The first steps of seeded short trainings (AdamW updates included) give the same losses on the
 * fused mixer as on the reference path, to 1e-4: TSM2 through its trainer, ViM2 through its
 * classifier with augmentation and label smoothing.
 */
class FusedTrainingTest {

  @Test
  void tsm2LossesFollowTheReferencePath() throws IOException {
    List<Float> reference = tsm2Losses("reference");
    List<Float> fused = tsm2Losses("fused");
    assertClose(fused, reference);
  }

  @Test
  void vim2LossesFollowTheReferencePath() throws Exception {
    List<Float> reference = vim2Losses("reference");
    List<Float> fused = vim2Losses("fused");
    assertClose(fused, reference);
  }

  private static void assertClose(List<Float> actual, List<Float> expected) {
    assertThat(actual).hasSize(6).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      assertThat(actual.get(i)).as("loss of step %d", i)
          .isCloseTo(expected.get(i), org.assertj.core.data.Offset.offset(
              1e-4f * Math.max(1f, Math.abs(expected.get(i)))));
    }
    assertThat(expected.stream().distinct().count()).as("distinct losses").isGreaterThan(1);
  }

  private static List<Float> tsm2Losses(String scan) throws IOException {
    Variants variants = Assembled.variants();
    WindowSource train = TrainStepProfile.RandomWalk.of(3, 64, 32, 8, 11);
    Tsm2Config c = Tsm2Config.preset("synthetic", 32, 3).withHorizon(8).withPatch(8, 4)
        .withModel(8, 2).withDState(4);
    TrainConfig tc = TrainConfig.full().withBatch(8).withMaxBatches(6);
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed(2021);
      Tsm2 model = new Tsm2(c, variants, variants.scan(scan));
      model.initialize(m, DataType.FLOAT32, model.inputShapes(8));
      List<Float> losses = new ArrayList<>();
      try (Trainer t = trainer(new Forecaster(model, tc, train, null), tc, m, losses)) {
        t.train(0, 0, t.batchesPerEpoch());
      }
      return losses;
    }
  }

  private static List<Float> vim2Losses(String scan) throws Exception {
    Variants variants = Assembled.variants();
    Vim2Config mc = Vim2Config.TINY_28.withImage(8, 1, 3).withWidths(List.of(8, 16));
    ImageSet images = VisionStepProfile.randomImages(mc, 48, 11);
    ClassifierConfig tc = new ClassifierConfig(1, 8, 8, 3e-3f, 1e-5f, 0, 0.05f, 0.1f, 2021, 0);
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed(2021);
      Vim2 model = ClassifyRun.build(mc, Vim2Config.VARIANTS, variants, variants.scan(scan));
      model.initialize(m, DataType.FLOAT32, model.inputShape(8));
      List<Float> losses = new ArrayList<>();
      Classifier task = new Classifier(model, tc, ImageDataset.training(images,
          Normalization.fit(images), new Augmentation(2, true), 8, 2021), null);
      try (Trainer t = trainer(task, tc, m, losses)) {
        t.train(0, 0, t.batchesPerEpoch());
      }
      return losses;
    }
  }

  /** A training loop that adds each batch's loss to {@code losses}. */
  private static Trainer trainer(TrainingTask task, TrainingPlan plan, NDManager m,
      List<Float> losses) {
    return new Trainer(task, plan, m, new PrintWriter(Writer.nullWriter()))
        .listen(new TrainingListener() {
          @Override
          public void onBatchEnd(int epoch, int batch, int batches, float loss) {
            losses.add(loss);
          }
        });
  }
}
