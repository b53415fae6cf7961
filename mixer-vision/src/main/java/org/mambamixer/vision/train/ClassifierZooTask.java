package org.mambamixer.vision.train;

import ai.djl.Application;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.runtime.data.ImageSet;
import org.mambamixer.runtime.zoo.ZooManifest;
import org.mambamixer.runtime.zoo.ZooTask;
import org.mambamixer.vision.data.ImageSource;

/**
 * Published classifiers (task {@code classify}): a folder shaped as a classify run, read by
 * {@code evaluate-classifier zoo:NAME} and {@code classify --init-from zoo:NAME}. The metric is
 * single-view test top-1 ({@link Reevaluation}), with the normalisation the run trained with:
 * its dataset's ({@link ImageSource#normalization}), which a run directory does not store.
 */
public final class ClassifierZooTask implements ZooTask {
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

  /** Not yet: a raw-image translator is to come with the first published ViM2. */
  @Override
  public <I, O> ZooModel<I, O> load(Path folder, Criteria<I, O> criteria)
      throws ModelNotFoundException {
    throw new ModelNotFoundException("published classifiers load through"
        + " ./mambamixer evaluate-classifier zoo:NAME and classify --init-from zoo:NAME; a DJL"
        + " predictor of raw images is not built yet");
  }
}
