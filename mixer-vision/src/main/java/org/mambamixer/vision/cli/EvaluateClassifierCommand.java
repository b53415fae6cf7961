package org.mambamixer.vision.cli;

import jakarta.inject.Inject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.runtime.cli.LauncherCommand;
import org.mambamixer.runtime.cli.ScanOption;
import org.mambamixer.runtime.data.ImageSet;
import org.mambamixer.runtime.report.Table;
import org.mambamixer.runtime.train.Checkpoint;
import org.mambamixer.runtime.zoo.PublishedModels;
import org.mambamixer.vision.data.Holdout;
import org.mambamixer.vision.data.ImageSource;
import org.mambamixer.vision.train.ClassifyRun;
import org.mambamixer.vision.train.Reevaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./mambamixer evaluate-classifier RUN}: a classify or average-weights run's checkpoint
 * evaluated again ({@link Reevaluation}), on the test split and optionally the run's hold-out,
 * optionally with flip test-time augmentation. Reads the run directory and writes into it
 * nothing; {@code --csv} writes the table elsewhere.
 */
@Command(name = "evaluate-classifier", mixinStandardHelpOptions = true,
    description = "evaluate a trained ViM2 classifier (a classify or average-weights run) again:"
        + " test top-1 / top-5 of a checkpoint, optionally with flip test-time augmentation")
public final class EvaluateClassifierCommand implements LauncherCommand {
  @Parameters(paramLabel = "RUN", description = "a classify or average-weights run directory,"
      + " or zoo:NAME, a published classifier (./mambamixer zoo)")
  Path given;

  @Option(names = "--checkpoint", paramLabel = "NAME", defaultValue = "best",
      description = "the folder under RUN/checkpoint/ to evaluate, e.g. best or last (default:"
          + " ${DEFAULT-VALUE})")
  String checkpoint;

  @Option(names = "--tta-flip",
      description = "also score each image by its class probabilities averaged with its mirror"
          + " image's (for datasets that train with horizontal flips)")
  boolean flip;

  @Option(names = "--val",
      description = "also evaluate the images the run held out of training for validation")
  boolean val;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "folder holding the dataset (default: the one the run read, from its"
          + " config.json, while it exists; else $MAMBAMIXER_DATA/images, else"
          + " ../shared/data/images)")
  String dataDir;

  @Option(names = "--eval-batch-size", paramLabel = "N", defaultValue = "64",
      description = "images per evaluation batch (default: ${DEFAULT-VALUE})")
  int evalBatchSize;

  @Option(names = "--csv", paramLabel = "FILE",
      description = "also write the table to FILE (written whole or not at all)")
  Path csv;

  @Mixin ScanOption scanOption;

  @Spec CommandSpec spec;

  private final Variants variants;

  @Inject
  public EvaluateClassifierCommand(Variants variants) {
    this.variants = variants;
  }

  @Override
  public Integer call() throws Exception {
    if (evalBatchSize <= 0) {
      throw usage("--eval-batch-size must be positive, got " + evalBatchSize);
    }
    Path run = PublishedModels.onClassPath().resolve(given);
    Path config = run.resolve("config.json");
    if (!Files.isRegularFile(config)) {
      throw usage(run + " is not a classify or average-weights run directory (no config.json)");
    }
    ClassifyRun.Origin origin;
    ImageSource source;
    try {
      variants.checkScan(scanOption.name());
      origin = ClassifyRun.Origin.read(config);
      source = ImageSource.named(origin.dataset());
    } catch (IOException | IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    Path weights = run.resolve("checkpoint").resolve(checkpoint);
    try {
      Checkpoint.verify(weights);
    } catch (IOException e) {
      throw usage("--checkpoint " + checkpoint + ": " + e.getMessage() + " (" + run
          + "/checkpoint holds " + present(run.resolve("checkpoint")) + ")");
    }
    if (flip && !source.augmentation().flip()) {
      throw usage("--tta-flip: " + origin.dataset() + " trains without horizontal flips (its"
          + " images are not mirror-symmetric), so a model of it has never seen a mirror image");
    }
    ImageSource.Splits splits =
        source.load(ImageSource.dataDir(dataDir, origin.data(), System::getenv),
            origin.model().imageSize());
    Map<String, ImageSet> sets = new LinkedHashMap<>();
    if (val) {
      if (origin.valSize() == 0) {
        throw usage("--val: " + run + " held no images out of training");
      }
      sets.put("val", Holdout.of(splits.train(), origin.valSize(), origin.seed()).val());
    }
    sets.put("test", splits.test());
    PrintWriter out = spec.commandLine().getOut();
    List<Reevaluation.Row> rows = new Reevaluation(variants, variants.scan(scanOption.name()), out)
        .execute(origin, weights, sets, source.normalization(splits), evalBatchSize,
            flip);
    Table table = Reevaluation.table(run.equals(given)
        ? run.toAbsolutePath().normalize().toString() : given.toString(), checkpoint,
        origin, rows, flip);
    if (csv != null) {
      table.writeCsv(csv);
    }
    out.println();
    out.println(table.toMarkdown(4));
    out.flush();
    return 0;
  }

  private static String present(Path dir) {
    if (!Files.isDirectory(dir)) {
      return "nothing";
    }
    try (Stream<Path> s = Files.list(dir)) {
      List<String> names = s.filter(Files::isDirectory).map(p -> p.getFileName().toString())
          .sorted().toList();
      return names.isEmpty() ? "nothing" : String.join(", ", names);
    } catch (IOException e) {
      return "an unreadable listing";
    }
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
