package org.mambamixer.vision.cli;

import jakarta.inject.Inject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.runtime.cli.LauncherCommand;
import org.mambamixer.runtime.cli.RunPlaceOptions;
import org.mambamixer.runtime.cli.ScanOption;
import org.mambamixer.runtime.report.Table;
import org.mambamixer.runtime.zoo.PublishedModels;
import org.mambamixer.vision.data.Holdout;
import org.mambamixer.vision.data.ImageSource;
import org.mambamixer.vision.train.AverageRun;
import org.mambamixer.vision.train.ClassifyRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./mambamixer average-weights RUN RUN...}: the best weights of classify runs of one model
 * averaged into one ({@link AverageRun}), evaluated on the first run's hold-out and the test split.
 * With no runs, {@code --run-dir} names an average's directory holding its config.json, and the
 * average is made again from the checkpoints recorded there.
 */
@Command(name = "average-weights", mixinStandardHelpOptions = true,
    description = "average the best weights of classify runs of one model (weight averaging over"
        + " the ends of cosine cycles) and evaluate the average (prints test top-1)")
public final class AverageWeightsCommand implements LauncherCommand {
  @Parameters(paramLabel = "RUN", arity = "0..*",
      description = "classify run directories or published classifiers (zoo:NAME), two or"
          + " more: their checkpoint/best is averaged; none: rebuild the average whose"
          + " config.json is in --run-dir")
  List<Path> runs = new ArrayList<>();

  @Mixin RunPlaceOptions runDirs;

  @Mixin ScanOption scanOption;

  @Spec CommandSpec spec;

  private final Variants variants;

  @Inject
  public AverageWeightsCommand(Variants variants) {
    this.variants = variants;
  }

  @Override
  public Integer call() throws Exception {
    try {
      variants.checkScan(scanOption.name());
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    List<AverageRun.Source> sources = new ArrayList<>();
    Path runDir;
    if (runs.isEmpty()) {
      Path config = runDirs.runDir() == null ? null : runDirs.runDir().resolve("config.json");
      if (config == null || !Files.isRegularFile(config)) {
        throw usage("give two or more classify run directories to average, or a --run-dir"
            + " holding an average's config.json to rebuild it");
      }
      sources = AverageRun.readSources(config);
      runDir = runDirs.runDir();
    } else {
      PublishedModels zoo = PublishedModels.onClassPath();
      for (Path run : runs) {
        // A published classifier is a run directory: e.g. a cycle's end averaged with a run
        // fine-tuned from it (classify --init-from zoo:NAME). One that fails its manifest is
        // a runtime error, not a usage one.
        Path dir = zoo.resolve(run);
        try {
          sources.add(AverageRun.Source.of(dir));
        } catch (IOException e) {
          throw usage(e.getMessage());
        }
      }
      try {
        AverageRun.check(sources);
      } catch (IllegalArgumentException e) {
        throw usage(e.getMessage());
      }
      runDir = runDirs.runDirOrNew(sources.get(0).spec().dataset() + "-"
          + sources.get(0).spec().preset() + "-average");
    }
    ClassifyRun.Spec first = sources.get(0).spec();
    ImageSource source = ImageSource.named(first.dataset());
    ImageSource.Splits splits =
        source.load(ImageSource.dataDir(null, first.data(), System::getenv),
            first.model().imageSize());
    Holdout held = Holdout.of(splits.train(), first.valSize(), first.train().seed());
    PrintWriter out = spec.commandLine().getOut();
    AverageRun.Outcome outcome = new AverageRun(variants, variants.scan(scanOption.name()), out)
        .execute(sources, new ClassifyRun.Data(held.train(), held.val(), splits.test(),
            source.normalization(splits), source.augmentation()), runDir,
            LauncherCommand.commandLine(spec));
    out.println();
    out.println(Table.readCsv(outcome.runDir().resolve("results.csv")).toMarkdown(4));
    out.println("run directory: " + runDir.toAbsolutePath());
    out.flush();
    return 0;
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
