package org.mambamixer.sequence.cli;

import com.google.gson.JsonObject;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.runtime.cli.LauncherCommand;
import org.mambamixer.runtime.cli.ResumeConflicts;
import org.mambamixer.runtime.cli.Precedence;
import org.mambamixer.runtime.cli.Setting;
import org.mambamixer.runtime.cli.TrainingOptions;
import org.mambamixer.runtime.cli.ScanOption;
import org.mambamixer.runtime.cli.VariantOptions;
import org.mambamixer.runtime.data.IdxFiles;
import org.mambamixer.runtime.data.ImageSet;
import org.mambamixer.runtime.data.Normalization;
import org.mambamixer.runtime.report.Table;
import org.mambamixer.runtime.train.LrSchedule;
import org.mambamixer.sequence.data.PixelOrder;
import org.mambamixer.sequence.data.PixelSequences;
import org.mambamixer.sequence.model.SequenceConfig;
import org.mambamixer.sequence.train.SequenceRun;
import org.mambamixer.runtime.train.ClassifierConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./mambamixer classify-sequence}: sequential (or permuted) image classification, an image
 * read pixel by pixel as one sequence; trains, evaluates and writes a run directory
 * ({@link SequenceRun}). With {@code --stream} the test set is also classified through the
 * recurrent step, one token at a time.
 */
@Command(name = "classify-sequence", mixinStandardHelpOptions = true,
    description = "classify images read pixel by pixel as sequences (sequential / permuted"
        + " Fashion-MNIST); --stream also evaluates with the recurrent step",
    footer = "Defaults: --epochs 1, --batch-size 32, --eval-batch-size 250, --lr 2e-3 (the"
        + " cosine's floor a hundredth of it), --weight-decay 0.05, --max-batches 0 (every"
        + " batch).")
public final class ClassifySequenceCommand implements LauncherCommand {
  static final List<Integer> LENGTHS = List.of(196, 392, 784);
  private static final int MNIST_TEST_TRAIN = 8000;
  private static final String NAME = "classify-sequence";

  @Option(names = "--dataset", paramLabel = "NAME", defaultValue = "fashion-mnist",
      description = "fashion-mnist (train / test splits) or mnist-test (MNIST's test split only:"
          + " its first 8000 images train, the last 2000 test); default ${DEFAULT-VALUE}")
  String dataset;

  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "../shared/data/images",
      description = "folder holding fashion-mnist/ and mnist/ (default ${DEFAULT-VALUE})")
  Path dataDir;

  @Option(names = "--permuted",
      description = "read the pixels in one fixed random permutation (see --permutation-seed)")
  boolean permuted;

  @Option(names = "--permutation-seed", paramLabel = "N", defaultValue = "42",
      description = "seed of the pixel permutation (default ${DEFAULT-VALUE})")
  long permutationSeed;

  @Option(names = "--length", paramLabel = "L", defaultValue = "784",
      description = "tokens per image: 784 (one pixel each), 392 (2) or 196 (4 consecutive pixels)"
          + "; default ${DEFAULT-VALUE}")
  int length;

  @Option(names = "--lr-update", paramLabel = "WHEN", defaultValue = "epoch",
      description = "epoch: one rate per epoch; batch: a new rate every batch (default"
          + " ${DEFAULT-VALUE})")
  String lrUpdate;

  @Option(names = "--train-images", paramLabel = "N", defaultValue = "0",
      description = "train on the first N images, 0 = all (default ${DEFAULT-VALUE})")
  int trainImages;

  @Option(names = "--test-images", paramLabel = "N", defaultValue = "0",
      description = "evaluate on the first N test images, 0 = all (default ${DEFAULT-VALUE})")
  int testImages;

  @Option(names = "--d-model", paramLabel = "D", defaultValue = "32",
      description = "model width (default ${DEFAULT-VALUE})")
  int dModel;

  @Option(names = "--layers", paramLabel = "N", defaultValue = "2",
      description = "MambaMixer layers (default ${DEFAULT-VALUE})")
  int layers;

  @Option(names = "--d-state", paramLabel = "N", defaultValue = "16",
      description = "SSM state size (default ${DEFAULT-VALUE})")
  int dState;

  @Option(names = "--stream",
      description = "also classify the test images through the recurrent step, one token at a"
          + " time, and report its accuracy, its largest logit difference and time per token")
  boolean stream;

  @Mixin VariantOptions variantOptions;

  @Mixin ScanOption scanOption;

  @Mixin TrainingOptions training;

  @Spec CommandSpec spec;

  private final Variants variants;
  private ImageSet[] loaded;
  private String loadedKey;

  @Inject
  public ClassifySequenceCommand(Variants variants) {
    this.variants = variants;
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    training.check(spec);
    if (!List.of("fashion-mnist", "mnist-test").contains(dataset)) {
      throw usage("--dataset must be fashion-mnist or mnist-test, got '" + dataset + "'");
    }
    if (!LENGTHS.contains(length)) {
      throw usage("--length must be one of " + LENGTHS + ", got " + length);
    }
    requirePositive("--d-model", dModel);
    requirePositive("--layers", layers);
    requirePositive("--d-state", dState);
    if (trainImages < 0 || testImages < 0) {
      throw usage("--train-images and --test-images must be >= 0");
    }
    LrSchedule.Update update;
    try {
      update = LrSchedule.Update.parse(lrUpdate);
    } catch (IllegalArgumentException e) {
      throw usage("--lr-update: " + e.getMessage());
    }
    try {
      variants.check(variantOptions.over(SequenceConfig.DEFAULT_VARIANTS));
      variants.checkScan(scanOption.name());
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    if (stream) { // before any data is read
      requireStreamable(new SequenceConfig(length, 784 / length, 10, dModel, layers, dState, 2, 4,
          variantOptions.over(SequenceConfig.DEFAULT_VARIANTS)));
    }
    SequenceRun.Spec run = settle(update);
    if (run.stream()) {
      requireStreamable(run.model());
    }
    ImageSet[] splits = load(run.dataset(), Path.of(run.data()));
    ImageSet trainSet = head(splits[0], run.trainImages());
    ImageSet testSet = head(splits[1], run.testImages());
    PixelOrder order = run.permuted() ? PixelOrder.permuted(784, run.permutationSeed())
        : PixelOrder.sequential(784);
    Normalization norm = run.dataset().equals("mnist-test") ? Normalization.MNIST
        : Normalization.FASHION_MNIST;
    int tokens = run.model().length();
    Path dir = training.runDirs().runDirOrNew("sequence-" + run.dataset()
        + (run.permuted() ? "-permuted" : "") + "-L" + tokens);
    new SequenceRun(variants, variants.scan(run.scan()), out, training.saveInterval())
        .execute(run, new PixelSequences(trainSet, order, norm, tokens),
            new PixelSequences(testSet, order, norm, tokens), dir, training.resume());
    out.println();
    out.println(Table.parseCsv(Files.readString(dir.resolve("results.csv")), "results.csv")
        .toMarkdown(4));
    out.println("run directory: " + dir.toAbsolutePath());
    return 0;
  }

  /** The run's settings: the resumed run's, or --config's, or the defaults, flags over them. */
  private SequenceRun.Spec settle(LrSchedule.Update update) throws IOException {
    JsonObject resumed = training.resumedConfig(NAME);
    if (resumed != null) { // as this version reads it: fields it lacks hold their defaults
      resumed = SequenceRun.configJson(SequenceRun.readSpec(
          training.runDirs().runDir().resolve("config.json")));
    }
    JsonObject settled = Precedence.settle(spec, resumed,
        training.config(NAME), () -> SequenceRun.configJson(fresh(update)), settings(update));
    try {
      SequenceRun.Spec s = SequenceRun.spec(settled);
      // A resumed run keeps the command line that started it; any other records this one.
      return training.resume() ? s : s.withCommandLine(LauncherCommand.commandLine(spec));
    } catch (IllegalArgumentException e) {
      throw usage(training.origin() + e.getMessage());
    }
  }

  /** A new run from the flags and the command's defaults. */
  private SequenceRun.Spec fresh(LrSchedule.Update update) throws IOException {
    try {
      SequenceConfig model = new SequenceConfig(length, 784 / length, 10, dModel, layers, dState,
          2, 4, variantOptions.over(SequenceConfig.DEFAULT_VARIANTS));
      int epochs = training.epochs(1);
      float lr = training.lr(2e-3f);
      ClassifierConfig train = new ClassifierConfig(epochs, training.batchSize(32),
          training.evalBatchSize(250), lr, lr / 100, Math.min(1, epochs - 1),
          training.weightDecay(0.05f), 0.1f, training.seed(), training.maxBatches(0),
          training.recompute(false), update);
      ImageSet[] splits = load(dataset, dataDir);
      return new SequenceRun.Spec(dataset, ResumeConflicts.place(dataDir), permuted,
          permutationSeed, head(splits[0], trainImages).size(),
          head(splits[1], testImages).size(), model, train, scanOption.name(), stream,
          LauncherCommand.commandLine(spec));
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
  }

  private void requireStreamable(SequenceConfig model) {
    try {
      SequenceRun.requireStreamable(model, variants);
    } catch (UnsupportedOperationException e) {
      throw usage("--stream needs a causal token mixer: " + e.getMessage());
    }
  }

  /** Every flag a run's config.json records, and where. */
  private List<Setting> settings(LrSchedule.Update update) {
    List<Setting> s = new ArrayList<>(training.settings());
    s.addAll(List.of(Setting.of("--dataset", "dataset", dataset),
        Setting.place("--data-dir", "data", dataDir),
        Setting.of("--permuted", "permuted", permuted),
        Setting.of("--permutation-seed", "permutation_seed", permutationSeed),
        Setting.of("--length", "model.length", length).and("model.perToken", 784 / length),
        Setting.of("--lr-update", "train.lrUpdate", update),
        Setting.of("--train-images", "train_images", trainImages),
        Setting.of("--test-images", "test_images", testImages),
        Setting.of("--d-model", "model.dModel", dModel),
        Setting.of("--layers", "model.layers", layers),
        Setting.of("--d-state", "model.dState", dState),
        Setting.of("--stream", "stream", stream),
        scanOption.setting()));
    s.addAll(variantOptions.settings("model.variants"));
    return s;
  }

  /** Train and test images of {@code dataset} under {@code dataDir}, read once. */
  private ImageSet[] load(String dataset, Path dataDir) throws IOException {
    String key = dataset + "@" + ResumeConflicts.place(dataDir);
    if (!key.equals(loadedKey)) {
      loaded = read(dataset, dataDir);
      loadedKey = key;
    }
    return loaded;
  }

  private static ImageSet[] read(String dataset, Path dataDir) throws IOException {
    if (dataset.equals("fashion-mnist")) {
      Path d = dataDir.resolve("fashion-mnist");
      return new ImageSet[] {IdxFiles.readSplit(d, "train", IdxFiles.FASHION_MNIST),
          IdxFiles.readSplit(d, "t10k", IdxFiles.FASHION_MNIST)};
    }
    // Only MNIST's test split is shared: it is cut in two to show the loader reads it.
    ImageSet all = IdxFiles.readSplit(dataDir.resolve("mnist"), "t10k", IdxFiles.DIGITS);
    int cut = Math.min(MNIST_TEST_TRAIN, all.size() - 1);
    return new ImageSet[] {slice(all, 0, cut), slice(all, cut, all.size())};
  }

  /** The first {@code n} images of a set; all of them for 0. */
  static ImageSet head(ImageSet s, int n) {
    return n == 0 || n >= s.size() ? s : slice(s, 0, n);
  }

  private static ImageSet slice(ImageSet s, int from, int to) {
    int bytes = s.imageBytes();
    return new ImageSet(s.source() + "[" + from + ":" + to + "]",
        Arrays.copyOfRange(s.pixels(), from * bytes, to * bytes),
        Arrays.copyOfRange(s.labels(), from, to), s.height(), s.width(), s.channels(), s.classes(),
        0);
  }

  private void requirePositive(String flag, int value) {
    if (value <= 0) {
      throw usage(flag + " must be positive, got " + value);
    }
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
