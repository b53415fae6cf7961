package org.mambamixer.sequence.cli;

import jakarta.inject.Inject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.runtime.cli.LauncherCommand;
import org.mambamixer.runtime.cli.ResumeConflicts;
import org.mambamixer.runtime.cli.RunDirOptions;
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
        + " Fashion-MNIST); --stream also evaluates with the recurrent step")
public final class ClassifySequenceCommand implements LauncherCommand {
  static final List<Integer> LENGTHS = List.of(196, 392, 784);
  private static final int MNIST_TEST_TRAIN = 8000;

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

  @Option(names = "--epochs", paramLabel = "N", defaultValue = "1",
      description = "epochs (default ${DEFAULT-VALUE})")
  int epochs;

  @Option(names = "--max-batches", paramLabel = "N", defaultValue = "0",
      description = "training batches per epoch, 0 = all (default ${DEFAULT-VALUE})")
  int maxBatches;

  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "32",
      description = "training batch size (default ${DEFAULT-VALUE})")
  int batchSize;

  @Option(names = "--lr", paramLabel = "RATE", defaultValue = "2e-3",
      description = "peak learning rate (default ${DEFAULT-VALUE})")
  float lr;

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

  @Option(names = "--seed", paramLabel = "N", defaultValue = "2021",
      description = "seed of parameters and shuffling (default ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--stream",
      description = "also classify the test images through the recurrent step, one token at a"
          + " time, and report its accuracy, its largest logit difference and time per token")
  boolean stream;

  @Mixin VariantOptions variantOptions;

  @Mixin ScanOption scanOption;

  @Mixin RunDirOptions runDirs;

  @Spec CommandSpec spec;

  private final Variants variants;

  @Inject
  public ClassifySequenceCommand(Variants variants) {
    this.variants = variants;
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    if (!List.of("fashion-mnist", "mnist-test").contains(dataset)) {
      throw usage("--dataset must be fashion-mnist or mnist-test, got '" + dataset + "'");
    }
    if (!LENGTHS.contains(length)) {
      throw usage("--length must be one of " + LENGTHS + ", got " + length);
    }
    requirePositive("--epochs", epochs);
    requirePositive("--batch-size", batchSize);
    requirePositive("--d-model", dModel);
    requirePositive("--layers", layers);
    requirePositive("--d-state", dState);
    if (maxBatches < 0 || trainImages < 0 || testImages < 0) {
      throw usage("--max-batches, --train-images and --test-images must be >= 0");
    }
    LrSchedule.Update update;
    try {
      update = LrSchedule.Update.parse(lrUpdate);
    } catch (IllegalArgumentException e) {
      throw usage("--lr-update: " + e.getMessage());
    }
    SequenceConfig model;
    ClassifierConfig train;
    try {
      model = new SequenceConfig(length, 784 / length, 10, dModel, layers, dState, 2, 4,
          variantOptions.over(SequenceConfig.DEFAULT_VARIANTS));
      variants.check(model.variants());
      variants.checkScan(scanOption.name());
      train = new ClassifierConfig(epochs, batchSize, 250, lr, lr / 100,
          Math.min(1, epochs - 1), 0.05f, 0.1f, seed, maxBatches, false, update);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    if (stream) {
      try {
        SequenceRun.requireStreamable(model, variants);
      } catch (UnsupportedOperationException e) {
        throw usage("--stream needs a causal token mixer: " + e.getMessage());
      }
    }
    ImageSet[] splits = load();
    ImageSet trainSet = head(splits[0], trainImages);
    ImageSet testSet = head(splits[1], testImages);
    PixelOrder order = permuted ? PixelOrder.permuted(784, permutationSeed)
        : PixelOrder.sequential(784);
    Normalization norm = dataset.equals("mnist-test") ? Normalization.MNIST
        : Normalization.FASHION_MNIST;
    Path dir = runDirs.runDirOrNew("sequence-" + dataset + (permuted ? "-permuted" : "") + "-L"
        + length);
    SequenceRun.Spec runSpec = new SequenceRun.Spec(dataset, ResumeConflicts.place(dataDir),
        permuted, permutationSeed, trainSet.size(), testSet.size(), model, train,
        scanOption.name(), stream,
        LauncherCommand.commandLine(spec));
    new SequenceRun(variants, variants.scan(scanOption.name()), out,
        SequenceRun.DEFAULT_SAVE_INTERVAL).execute(runSpec,
        new PixelSequences(trainSet, order, norm, length),
        new PixelSequences(testSet, order, norm, length), dir, runDirs.resume());
    out.println();
    out.println(Table.parseCsv(Files.readString(dir.resolve("results.csv")), "results.csv")
        .toMarkdown(4));
    out.println("run directory: " + dir.toAbsolutePath());
    return 0;
  }

  /** Train and test images of the chosen dataset. */
  private ImageSet[] load() throws IOException {
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
