package org.mambamixer.ablations.study;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mambamixer.runtime.cli.LauncherCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
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
      description = "local: cells on --jobs threads of this JVM; spark: each cell a Spark task"
          + " (default ${DEFAULT-VALUE})")
  Engine engine;

  @Option(names = "--jobs", paramLabel = "N", defaultValue = "1",
      description = "cells at once with --engine local (default ${DEFAULT-VALUE})")
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
    Study study = Study.read(studyFile);
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
}
