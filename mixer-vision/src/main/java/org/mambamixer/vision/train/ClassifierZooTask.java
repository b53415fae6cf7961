package org.mambamixer.vision.train;

import ai.djl.Application;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.ndarray.NDManager;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import com.google.gson.Gson;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.runtime.data.ImageSet;
import org.mambamixer.runtime.data.Normalization;
import org.mambamixer.runtime.zoo.ZooManifest;
import org.mambamixer.runtime.zoo.ZooTask;
import org.mambamixer.vision.data.ImageSource;

/**
 * Published classifiers (task {@code classify}): a folder shaped as a classify run, read by
 * {@code evaluate-classifier zoo:NAME} and {@code classify --init-from zoo:NAME}, plus its class
 * names and normalisation, which a DJL predictor of raw images needs. The metric is
 * single-view test top-1 ({@link Reevaluation}), with the normalisation the run trained with:
 * its dataset's ({@link ImageSource#normalization}), which a run directory does not store.
 */
public final class ClassifierZooTask implements ZooTask {
  /** The class names of a published classifier, one a line. */
  public static final String CLASSES = "synset.txt";

  /** The per-channel normalisation of a published classifier ({@link Normalization} as JSON). */
  public static final String NORMALIZATION = "normalization.json";

  private final Variants variants;

  @Inject
  public ClassifierZooTask(Variants variants) {
    this.variants = variants;
  }

  @Override
  public String metric() {
    return "top1";
  }

  @Override
  public List<String> runFiles() {
    return List.of("config.json");
  }

  @Override
  public Application application() {
    return Application.CV.IMAGE_CLASSIFICATION;
  }

  @Override
  public double measure(Path folder, ZooManifest manifest, int slice, String dataDir,
      String scan, PrintWriter log) throws IOException {
    ClassifyRun.Origin origin = ClassifyRun.Origin.read(folder.resolve("config.json"));
    ImageSource source = ImageSource.named(origin.dataset());
    ImageSource.Splits splits = source.load(ImageSource.dataDir(dataDir, origin.data(),
        System::getenv), origin.model().imageSize());
    ImageSet test = slice > 0 && slice < splits.test().size()
        ? splits.test().select(IntStream.range(0, slice).toArray(), "test[:" + slice + "]")
        : splits.test();
    try {
      return new Reevaluation(variants, variants.scan(scan), log).execute(origin,
          folder.resolve("checkpoint/best"), Map.of("test", test), source.normalization(splits),
          64, false).get(0).top1();
    } catch (TranslateException e) {
      throw new IOException("zoo:" + manifest.name() + ": " + e.getMessage(), e);
    }
  }

  /**
   * What a run directory does not store and a raw image needs: the class names ({@value
   * #CLASSES}, one a line, DJL's synset file) and the normalisation, both read from the dataset
   * as {@link #measure} reads it.
   */
  @Override
  public void addFiles(Path folder, String dataDir) throws IOException {
    ClassifyRun.Origin origin = ClassifyRun.Origin.read(folder.resolve("config.json"));
    ImageSource source = ImageSource.named(origin.dataset());
    ImageSource.Splits splits = source.load(ImageSource.dataDir(dataDir, origin.data(),
        System::getenv), origin.model().imageSize());
    Files.write(folder.resolve(CLASSES), splits.test().classes());
    Files.writeString(folder.resolve(NORMALIZATION),
        new Gson().toJson(source.normalization(splits)));
  }

  /**
   * A predictor of {@code Image} to {@code Classifications} ({@link ImageClassifierTranslator}),
   * on the scan the criteria's argument {@code scan} names ({@link ZooTask#scan}).
   */
  @Override
  @SuppressWarnings("unchecked") // the types are checked against the translator's just before
  public <I, O> ZooModel<I, O> load(Path folder, Criteria<I, O> criteria)
      throws IOException, ModelNotFoundException, MalformedModelException {
    if (criteria.getInputClass() != Image.class
        || criteria.getOutputClass() != Classifications.class) {
      throw new ModelNotFoundException("a published classifier takes an ai.djl.modality.cv.Image"
          + " and returns ai.djl.modality.Classifications, not " + criteria.getInputClass()
          + " -> " + criteria.getOutputClass());
    }
    for (String f : List.of(CLASSES, NORMALIZATION)) {
      if (!Files.isRegularFile(folder.resolve(f))) {
        throw new MalformedModelException(folder + " has no " + f + ": publish it again");
      }
    }
    ClassifyRun.Origin origin = ClassifyRun.Origin.read(folder.resolve("config.json"));
    Translator<I, O> translator = (Translator<I, O>) new ImageClassifierTranslator(
        origin.model(), new Gson().fromJson(Files.readString(folder.resolve(NORMALIZATION)),
            Normalization.class), Files.readAllLines(folder.resolve(CLASSES)));
    NDManager manager = NDManager.newBaseManager();
    try {
      Model model = ClassifyRun.restore(origin, folder.resolve("checkpoint/best"), variants,
          variants.scan(ZooTask.scan(criteria, variants)), manager);
      // Closing the ZooModel closes the manager too: it holds the weights.
      return new ZooModel<>(model, translator) {
        @Override
        public void close() {
          super.close();
          manager.close();
        }
      };
    } catch (IOException | RuntimeException e) {
      manager.close();
      throw e;
    }
  }
}
