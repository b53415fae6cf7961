package org.mambamixer.ablations.study;

import com.google.inject.Injector;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mambamixer.ablations.cli.Main;
import org.mambamixer.api.block.MixerChoice;
import org.mambamixer.api.inject.UnknownVariantException;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.runtime.cli.LauncherCommand;
import org.mambamixer.runtime.cli.ScanOption;
import org.mambamixer.runtime.cli.VariantOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * {@code ./mambamixer ablate --study STUDY.json}: runs a grid of launcher commands (variants x
 * datasets x horizons x seeds, whatever the study's axes say), each cell an ordinary run
 * directory, then a summary with mean ± std over seeds and the delta to the reference level.
 */
@Command(name = "ablate", mixinStandardHelpOptions = true,
    description = "run an ablation study (a grid of runs x seeds) and summarise it")
public final class AblateCommand implements LauncherCommand {
  @Option(names = "--study", paramLabel = "FILE", required = true,
      description = "the study (JSON: name, command, base flags, axes of levels, seeds, reference)")
  Path studyFile;

  @Option(names = "--studies-dir", paramLabel = "DIR", defaultValue = "runs/studies",
      description = "parent of study directories (default ${DEFAULT-VALUE})")
  Path studiesDir;

  @Option(names = "--engine", paramLabel = "local|spark", defaultValue = "local",
      description = "local: --jobs cells at once on this machine; spark: each cell a Spark task"
          + " (default ${DEFAULT-VALUE})")
  Engine engine;

  @Option(names = "--jobs", paramLabel = "N", defaultValue = "1",
      description = "cells at once with --engine local, each in its own JVM; above 1 the cores"
          + " are split between them (default ${DEFAULT-VALUE})")
  int jobs;

  @Option(names = "--master", paramLabel = "URL", defaultValue = "local[2]",
      description = "Spark master with --engine spark, e.g. spark://host:7077 (default"
          + " ${DEFAULT-VALUE})")
  String master;

  @Option(names = "--spark-conf", paramLabel = "KEY=VALUE",
      description = "a Spark setting with --engine spark, repeatable, e.g."
          + " spark.task.resource.gpu.amount=1 (one GPU per cell on a cluster)")
  Map<String, String> sparkConf = new LinkedHashMap<>();

  @Option(names = "--resume", description = "skip cells that finished; rerun failed ones")
  boolean resume;

  @Spec CommandSpec spec;

  private final Injector injector;

  @Inject
  public AblateCommand(Injector injector) {
    this.injector = injector;
  }

  enum Engine { local, spark }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (!Files.isRegularFile(studyFile)) {
      throw new ParameterException(spec.commandLine(), "--study " + studyFile + " is not a file");
    }
    if (jobs <= 0) {
      throw new ParameterException(spec.commandLine(), "--jobs must be positive, got " + jobs);
    }
    Study study;
    try {
      study = Study.read(studyFile);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    try {
      checkCells(study, injector);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), studyFile + ": " + e.getMessage());
    }
    Path dir = studiesDir.resolve(study.name());
    List<CellResult> results;
    try (CellEngine e = engine == Engine.local ? new LocalEngine(jobs)
        : new SparkEngine(master, study.name(), sparkConf)) {
      results = new StudyRunner(out).run(study, dir, e, resume);
    }
    long failed = results.stream().filter(r -> !r.ok()).count();
    out.println();
    out.println(Files.readString(dir.resolve("summary.md")));
    out.printf("study directory: %s (%d cells, %d failed)%n", dir.toAbsolutePath(),
        results.size(), failed);
    return failed == 0 ? 0 : 1;
  }

  /**
   * Parses every cell's command line as the launcher will run it and looks up the variant and scan
   * names it gives, so a typo anywhere in a long study stops it before the first cell runs rather
   * than hours into it. What only a run can tell (a missing data file, sizes that do not fit) is
   * left to the cell.
   *
   * @throws IllegalArgumentException naming the first cell whose command line is wrong, and why
   */
  static void checkCells(Study study, Injector injector) {
    Variants variants = injector.getInstance(Variants.class);
    PrintWriter nowhere = new PrintWriter(Writer.nullWriter());
    CommandLine launcher = Main.commandLine(injector, nowhere, nowhere);
    List<String> axes = new ArrayList<>(study.axes().keySet());
    for (Cell cell : study.cells()) {
      List<String> args = new ArrayList<>(cell.args());
      args.addAll(List.of("--run-dir", "cell")); // as the worker adds it
      try {
        ParseResult command = launcher.parseArgs(args.toArray(String[]::new)).subcommand();
        for (CommandSpec mixin : command.commandSpec().mixins().values()) {
          if (mixin.userObject() instanceof VariantOptions v) {
            variants.check(v.over(MixerChoice.DEFAULT));
          } else if (mixin.userObject() instanceof ScanOption scan) {
            variants.checkScan(scan.name());
          }
        }
      } catch (ParameterException | UnknownVariantException e) {
        throw new IllegalArgumentException("cell " + cell.id(axes) + ": " + e.getMessage(), e);
      }
    }
  }
}