package org.mambamixer.ablations.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.ParameterStore;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.ServiceLoader;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mambamixer.ablations.Assembled;
import org.mambamixer.ablations.cli.Main;
import org.mambamixer.api.block.BackboneConfig;
import org.mambamixer.api.block.MambaMixerBackbone;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.api.io.ContextClassPath;
import org.mambamixer.runtime.report.Table;
import org.mambamixer.runtime.zoo.PublishedModels;
import org.mambamixer.timeseries.data.SeriesCsv;
import org.mambamixer.timeseries.model.ForecastCatalog;
import org.mambamixer.timeseries.train.TrainedRun;

/**
 * The Java snippets of docs/library.md, compiled and run here; the test also checks that the doc
 * shows them verbatim (the text between the {@code // snippet} markers), so the two cannot drift.
 */
class LibraryExampleTest {

  @Test
  void buildsABackboneAndLoadsARunForPrediction(@TempDir Path tmp) throws Exception {
    // A small trained run to load, made the way a user makes one.
    Path csv = tmp.resolve("series.csv");
    StringBuilder sb = new StringBuilder("date,load,temp\n");
    for (int t = 0; t < 400; t++) {
      sb.append(String.format(Locale.ROOT, "2021/3/%d %d:00,%.3f,%.3f%n", 1 + t / 24, t % 24,
          Math.sin(t / 5.0), Math.cos(t / 7.0)));
    }
    Files.writeString(csv, sb);
    Path runDir = tmp.resolve("run");
    assertThat(Main.run(new String[] {"forecast", "--data", csv.toString(), "--lookback", "32",
        "--horizon", "8", "--epochs", "1", "--max-batches", "2", "--d-model", "8", "--layers",
        "1", "--scan", "cpu", "--run-dir", runDir.toString()},
        new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()))).isZero();
    float[][] values = SeriesCsv.read(csv).values();
    float[][] history = java.util.Arrays.copyOfRange(values, values.length - 32, values.length);

    // snippet: backbone
    // Every module on the class path registers its variants (mixers, skips, norms, scans).
    Injector injector = Guice.createInjector(ServiceLoader.load(Module.class).stream()
        .map(ServiceLoader.Provider::get).toList());
    Variants variants = injector.getInstance(Variants.class);
    BackboneConfig config = BackboneConfig.of(2, 16) // 2 layers, d_model 16
        .withTokenMixer("selective-bidirectional").withSkip("learned");
    try (NDManager manager = NDManager.newBaseManager()) {
      MambaMixerBackbone backbone = variants.backbone(config, variants.scan("cpu"));
      Shape x = new Shape(4, 3, 32, 16); // (B, C, L, D): tokens on axis 2, channels on axis 1
      backbone.initialize(manager, DataType.FLOAT32, x);
      NDArray y = backbone.forward(new ParameterStore(manager, false),
          new NDList(manager.randomNormal(x)), false).singletonOrThrow(); // (B, C, L, D)
      // snippet end
      assertThat(y.getShape()).isEqualTo(x);
    }

    // snippet: predict
    ForecastCatalog catalog = injector.getInstance(ForecastCatalog.class); // forecasters by name
    try (TrainedRun run = TrainedRun.open(runDir.resolve("H8"), catalog, "cpu");
        Predictor<float[][], float[][]> predictor = run.newPredictor()) {
      float[][] forecast = predictor.predict(history); // (T, M) raw -> (H, M) raw
      // snippet end
      assertThat(forecast.length).isEqualTo(8);
      assertThat(forecast[0]).hasSize(2);
      assertThat(forecast[0][0]).isBetween(-5f, 5f);
    }

    String doc = Files.readString(Path.of("../docs/library.md"));
    String self = Files.readString(
        Path.of("src/test/java/org/mambamixer/ablations/docs/LibraryExampleTest.java"));
    for (String name : new String[] {"backbone", "predict", "zoo"}) {
      assertThat(doc).as("docs/library.md shows snippet '%s' as compiled here", name)
          .contains(snippet(self, name));
    }
  }

  @Test
  void loadsAPublishedModelByNameThroughDjlsModelZoo() throws Exception {
    // Any raw history of ETTh1's 7 variates will do: the forecast is compared with the one the
    // published folder gives when opened as a run directory.
    float[][] etth1History = new float[512][7];
    for (int t = 0; t < 512; t++) {
      for (int m = 0; m < 7; m++) {
        etth1History[t][m] = (float) (5 + m + 3 * Math.sin(2 * Math.PI * t / 24 + m));
      }
    }

    // snippet: zoo
    Criteria<float[][], float[][]> criteria = Criteria.builder()
        .setTypes(float[][].class, float[][].class) // raw history (T, M) in, raw forecast (H, M) out
        .optModelName("tsm2-etth1-96") // ./mambamixer zoo lists the published names
        .build();
    try (ZooModel<float[][], float[][]> model = criteria.loadModel();
        Predictor<float[][], float[][]> predictor = model.newPredictor()) {
      float[][] forecast = predictor.predict(etth1History); // the last 512 hours -> the next 96
      // snippet end
      assertThat(forecast.length).isEqualTo(96);
      assertThat(forecast[0]).hasSize(7);
      try (TrainedRun run = TrainedRun.open(PublishedModels.onClassPath().folder("tsm2-etth1-96"),
          Assembled.catalog(), "auto");
          Predictor<float[][], float[][]> direct = run.newPredictor()) {
        float[][] expected = direct.predict(etth1History);
        for (int h = 0; h < 96; h++) {
          assertThat(forecast[h]).containsExactly(expected[h], within(1e-5f));
        }
      }
    }
    Criteria<float[], float[]> wrongTypes = Criteria.builder().setTypes(float[].class,
        float[].class).optModelName("tsm2-etth1-96").build();
    assertThatThrownBy(wrongTypes::loadModel).isInstanceOf(ModelNotFoundException.class);
  }

  @Test
  void loadsAPublishedClassifierByNameAndClassifiesAnImageFile(@TempDir Path tmp)
      throws Exception {
    // A tiny classifier of the user's own images, published into a zoo folder of the test's.
    Path images = tmp.resolve("images");
    for (String split : new String[] {"train", "test"}) {
      writeShapes(images.resolve(split), split.equals("train") ? 12 : 3);
    }
    Path runDir = tmp.resolve("run");
    assertThat(Main.run(new String[] {"classify", "--dataset", "folder", "--data-dir",
        images.toString(), "--model", "vim2-tiny-32", "--max-batches", "2", "--batch-size", "4",
        "--val-size", "4", "--scan", "reference", "--epochs", "1", "--run-dir",
        runDir.toString()}, new PrintWriter(new StringWriter()),
        new PrintWriter(new StringWriter()))).isZero();
    String name = "vim2-shapes-test";
    Path classes = tmp.resolve("classes");
    assertThat(Main.run(new String[] {"publish-model", runDir.toString(), "--name", name,
        "--task", "classify", "--into", classes.resolve(PublishedModels.ROOT).toString(),
        "--slice", "2", "--trained", "in a test", "--scan", "reference"},
        new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()))).isZero();

    ContextClassPath.with(List.of(classes), true, () -> {
      List<Path> files = new ArrayList<>();
      for (String label : new String[] {"bottom", "top"}) {
        for (int i = 0; i < 3; i++) {
          files.add(images.resolve("test").resolve(label).resolve(i + ".png"));
        }
      }
      Path png = files.get(0);
      int correct = 0;
      // snippet: zoo-image
      Criteria<Image, Classifications> criteria = Criteria.builder()
          .setTypes(Image.class, Classifications.class) // a raw image in, its classes out
          .optModelName(name) // ./mambamixer zoo lists the published names
          .build();
      try (ZooModel<Image, Classifications> model = criteria.loadModel();
          Predictor<Image, Classifications> predictor = model.newPredictor()) {
        Image image = ImageFactory.getInstance().fromFile(png); // resized to the model's side
        Classifications result = predictor.predict(image); // the dataset's class names
        String best = result.best().getClassName();
        // snippet end
        assertThat(result.getClassNames()).containsExactlyInAnyOrder("bottom", "top");
        assertThat(result.items().stream().mapToDouble(c -> c.getProbability()).sum())
            .isCloseTo(1, within(1e-5));
        assertThat(best).isIn("bottom", "top");
        for (Path f : files) {
          correct += predictor.predict(ImageFactory.getInstance().fromFile(f)).best()
              .getClassName().equals(f.getParent().getFileName().toString()) ? 1 : 0;
        }
      }
      // The predictor's top classes score what evaluate-classifier reports for these images.
      Path csv = tmp.resolve("eval.csv");
      assertThat(Main.run(new String[] {"evaluate-classifier", "zoo:" + name, "--csv",
          csv.toString(), "--data-dir", images.toString()}, new PrintWriter(new StringWriter()),
          new PrintWriter(new StringWriter()))).isZero();
      assertThat(correct / 6.0).isEqualTo(((Number) Table.readCsv(csv).get(0, "top1"))
          .doubleValue());
    });
    String doc = Files.readString(Path.of("../docs/library.md"));
    String self = Files.readString(
        Path.of("src/test/java/org/mambamixer/ablations/docs/LibraryExampleTest.java"));
    assertThat(doc).as("docs/library.md shows snippet 'zoo-image' as compiled here")
        .contains(snippet(self, "zoo-image"));
  }

  /**
   * n PNGs of 16 x 16 per class in {@code dir/<class>/}: "top" bright in its upper half,
   * "bottom" in its lower half, with a little noise.
   */
  private static void writeShapes(Path dir, int n) throws IOException {
    Random r = new Random(dir.toString().length());
    for (String c : List.of("bottom", "top")) {
      Files.createDirectories(dir.resolve(c));
      for (int i = 0; i < n; i++) {
        BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 16; y++) {
          for (int x = 0; x < 16; x++) {
            int v = ((y < 8) == c.equals("top") ? 200 : 30) + r.nextInt(40);
            img.setRGB(x, y, v << 16 | v << 8 | v / 2);
          }
        }
        ImageIO.write(img, "png", dir.resolve(c).resolve(i + ".png").toFile());
      }
    }
  }

  /** The lines between {@code // snippet: NAME} and {@code // snippet end}, unindented. */
  private static String snippet(String source, String name) {
    String start = "// snippet: " + name + "\n";
    int from = source.indexOf(start) + start.length();
    int to = source.indexOf("// snippet end", from);
    String body = source.substring(from, to);
    int indent = body.length() - body.stripLeading().length();
    return body.lines().map(l -> l.length() >= indent ? l.substring(indent) : l.strip())
        .reduce((a, b) -> a + "\n" + b).orElse("").strip();
  }
}
