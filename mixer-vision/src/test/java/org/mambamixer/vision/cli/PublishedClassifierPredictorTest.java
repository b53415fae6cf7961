package org.mambamixer.vision.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.ndarray.NDManager;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.dataset.Batch;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.api.io.ContextClassPath;
import org.mambamixer.runtime.data.IdxFiles;
import org.mambamixer.runtime.data.ImageSet;
import org.mambamixer.runtime.data.Normalization;
import org.mambamixer.runtime.report.Table;
import org.mambamixer.runtime.train.TrainingTask;
import org.mambamixer.runtime.zoo.PublishedModels;
import org.mambamixer.vision.data.ImageDataset;
import org.mambamixer.vision.train.ClassifierZooTask;
import org.mambamixer.vision.train.ClassifyRun;

/**
 * A published ViM2 classifier loaded by name through DJL's {@code Criteria}: a predictor of raw
 * images gives, for each test image, the probabilities that the evaluation path computes for it
 * (the same weights, the dataset's normalisation), and its top classes score the top-1 that
 * {@code evaluate-classifier zoo:NAME} reports.
 */
class PublishedClassifierPredictorTest {

  @Test
  void aPublishedClassifierPredictsRawImagesAsItsEvaluationDoes(@TempDir Path tmp)
      throws Exception {
    Path data = Files.createDirectories(tmp.resolve("data/fashion-mnist"));
    ClassifyCommandTest.writeSplit(data, "train", 24, 1);
    ClassifyCommandTest.writeSplit(data, "t10k", 10, 2);
    Path run = tmp.resolve("run");
    assertThat(new Launcher().run("classify", "--run-dir", run.toString(), "--dataset",
        "fashion-mnist", "--data-dir", tmp.resolve("data").toString(), "--model",
        "vim2-tiny-28", "--max-batches", "2", "--batch-size", "4", "--val-size", "4", "--scan",
        "reference", "--epochs", "1")).isZero();
    Path zoo = tmp.resolve("classes").resolve(PublishedModels.ROOT);
    Launcher publish = new Launcher();
    assertThat(publish.run("publish-model", run.toString(), "--name", "vim2-tiny-test", "--task",
        "classify", "--into", zoo.toString(), "--slice", "4", "--trained", "in a test",
        "--scan", "reference")).as(publish.err.toString()).isZero();
    Path folder = zoo.resolve("vim2-tiny-test");
    assertThat(Files.readAllLines(folder.resolve(ClassifierZooTask.CLASSES)))
        .isEqualTo(IdxFiles.FASHION_MNIST);

    ImageSet test = IdxFiles.readSplit(data, "t10k", IdxFiles.FASHION_MNIST);
    float[][] expected = evaluationProbabilities(folder, test, new Launcher().injector
        .getInstance(Variants.class));

    ContextClassPath.with(List.of(tmp.resolve("classes")), true, () -> {
      Criteria<Image, Classifications> criteria = Criteria.builder()
          .setTypes(Image.class, Classifications.class).optModelName("vim2-tiny-test")
          .optArgument("scan", "reference").build();
      int correct = 0;
      try (ZooModel<Image, Classifications> model = criteria.loadModel();
          Predictor<Image, Classifications> predictor = model.newPredictor()) {
        for (int i = 0; i < test.size(); i++) {
          Classifications c = predictor.predict(rgb(test, i));
          for (int k = 0; k < 10; k++) {
            assertThat(c.get(IdxFiles.FASHION_MNIST.get(k)).getProbability())
                .as("image %d, class %d", i, k).isCloseTo(expected[i][k], within(1e-5));
          }
          correct += c.best().getClassName().equals(IdxFiles.FASHION_MNIST
              .get(test.labels()[i])) ? 1 : 0;
        }
      }
      Path csv = tmp.resolve("eval.csv");
      Launcher eval = new Launcher();
      assertThat(eval.run("evaluate-classifier", "zoo:vim2-tiny-test", "--csv", csv.toString(),
          "--data-dir", tmp.resolve("data").toString(), "--scan", "reference"))
          .as(eval.err.toString()).isZero();
      assertThat(correct / (double) test.size())
          .isEqualTo(((Number) Table.readCsv(csv).get(0, "top1")).doubleValue());

      Criteria<float[][], float[][]> forecast = Criteria.builder()
          .setTypes(float[][].class, float[][].class).optModelName("vim2-tiny-test").build();
      assertThatThrownBy(forecast::loadModel).isInstanceOf(ModelNotFoundException.class);
    });
  }

  /** Image i of {@code set} (grey) as an RGB image of equal channels, as a user's file decodes. */
  private static Image rgb(ImageSet set, int i) {
    BufferedImage b = new BufferedImage(set.width(), set.height(), BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < set.height(); y++) {
      for (int x = 0; x < set.width(); x++) {
        int v = set.pixel(i, y, x, 0);
        b.setRGB(x, y, (v << 16) | (v << 8) | v);
      }
    }
    return ImageFactory.getInstance().fromImage(b);
  }

  /** Softmax of the logits of the evaluation path: the whole split in one normalised batch. */
  private static float[][] evaluationProbabilities(Path folder, ImageSet test, Variants variants)
      throws Exception {
    ClassifyRun.Origin origin = ClassifyRun.Origin.read(folder.resolve("config.json"));
    try (NDManager manager = NDManager.newBaseManager();
        Model model = ClassifyRun.restore(origin, folder.resolve("checkpoint/best"), variants,
            variants.scan("reference"), manager)) {
      Batch batch = ImageDataset.evaluation(test, Normalization.FASHION_MNIST, test.size())
          .getData(manager).iterator().next();
      float[] p = TrainingTask.Inference.of(model.getBlock(), manager).forward(batch.getData())
          .singletonOrThrow().softmax(-1).toFloatArray();
      float[][] out = new float[test.size()][10];
      for (int i = 0; i < test.size(); i++) {
        System.arraycopy(p, i * 10, out[i], 0, 10);
      }
      return out;
    }
  }
}
