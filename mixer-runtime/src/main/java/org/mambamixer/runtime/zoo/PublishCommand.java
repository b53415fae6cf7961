package org.mambamixer.runtime.zoo;

import com.google.gson.JsonObject;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.runtime.cli.LauncherCommand;
import org.mambamixer.runtime.cli.ScanOption;
import org.mambamixer.runtime.report.AtomicFiles;
import org.mambamixer.runtime.report.RunConfig;
import org.mambamixer.runtime.train.Checkpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ./mambamixer publish-model RUN --name NAME --task TASK --into DIR}: makes a finished
 * run's best weights a published model. Copies the run's config and scaler (what its task
 * names), the best checkpoint without its optimizer state, measures the task's metric on the
 * whole test split and on the slice the CI test will use, and writes the {@link ZooManifest}
 * with every file's SHA-256; the name is added to {@code DIR/models.txt}. DIR is a module's
 * {@code src/main/resources/mambamixer-zoo}.
 */
@Command(name = "publish-model", mixinStandardHelpOptions = true,
    description = "publish a finished run's best weights as zoo:NAME (into a module's"
        + " resources), measuring its documented metric and the CI slice's")
public final class PublishCommand implements LauncherCommand {
  @Parameters(paramLabel = "RUN", description = "a finished run directory (one horizon for a"
      + " forecast run, e.g. runs/.../H96)")
  Path run;

  @Option(names = "--name", paramLabel = "NAME", required = true,
      description = "the name after zoo:, e.g. tsm2-etth1-96")
  String name;

  @Option(names = "--task", paramLabel = "TASK", required = true,
      description = "the zoo task that measures and loads it: forecast, classify, ...")
  String task;

  @Option(names = "--into", paramLabel = "DIR", required = true,
      description = "the zoo folder to publish into, e.g."
          + " mixer-timeseries/src/main/resources/mambamixer-zoo")
  Path into;

  @Option(names = "--slice", paramLabel = "N", defaultValue = "128",
      description = "items of the test split the CI check measures (default ${DEFAULT-VALUE})")
  int slice;

  @Option(names = "--tolerance", paramLabel = "T", defaultValue = "1e-4",
      description = "absolute tolerance of both checks (default ${DEFAULT-VALUE})")
  double tolerance;

  @Option(names = "--trained", paramLabel = "TEXT", required = true,
      description = "when and at what cost it trained, e.g. '2026-12-07, 14 min on 2 cores'")
  String trained;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "data directory (default: the task's usual lookup)")
  String dataDir;

  @Mixin ScanOption scanOption;

  @Spec CommandSpec spec;

  private final Map<String, ZooTask> tasks;
  private final Variants variants;

  @Inject
  public PublishCommand(Map<String, ZooTask> tasks, Variants variants) {
    this.tasks = tasks;
    this.variants = variants;
  }

  @Override
  public Integer call() throws IOException {
    ZooTask zooTask = tasks.get(task);
    if (zooTask == null) {
      throw usage("--task " + task + ": known tasks are " + String.join(", ",
          new TreeSet<>(tasks.keySet())));
    }
    if (!name.matches("[a-z0-9][a-z0-9.-]*")) {
      throw usage("--name " + name + ": use lower-case letters, digits, '.' and '-'");
    }
    if (slice <= 0 || !(tolerance >= 0)) {
      throw usage("--slice must be positive and --tolerance not negative");
    }
    variants.checkScan(scanOption.name());
    if (!Files.isRegularFile(run.resolve("config.json"))) {
      throw usage(run + " is not a run directory (no config.json)");
    }
    JsonObject config = RunConfig.read(run.resolve("config.json"), "forecast or classify",
        "dataset");
    String commit = RunConfig.string(config, "commit", "unknown");
    if (commit.matches("[0-9a-f]{1,39}")) {
      // An abbreviated hash can become ambiguous as the history grows; a manifest is forever.
      throw usage(run + " records the abbreviated commit " + commit + "; train it again with"
          + " MAMBAMIXER_COMMIT set to the full 40-character hash (the launcher's default)");
    }
    PrintWriter out = spec.commandLine().getOut();
    Path folder = into.resolve(name);
    AtomicFiles.writeDirectory(folder, fresh -> {
      for (String f : zooTask.runFiles()) {
        Files.copy(run.resolve(f), fresh.resolve(f));
      }
      Checkpoint.copyWeights(run.resolve("checkpoint/best"), fresh.resolve("checkpoint/best"));
      zooTask.addFiles(fresh, dataDir);
      ZooManifest draft = new ZooManifest(name, task, config.get("dataset").getAsString(),
          RunConfig.string(config, "command", "unknown"),
          commit, trained,
          new ZooManifest.Metric(zooTask.metric(), Double.NaN, "test"),
          new ZooManifest.Check(slice, Double.NaN, tolerance), hashes(fresh));
      double whole = zooTask.measure(fresh, draft, 0, dataDir, scanOption.name(), out);
      double part = zooTask.measure(fresh, draft, slice, dataDir, scanOption.name(), out);
      new ZooManifest(draft.name(), task, draft.dataset(), draft.command(), draft.commit(),
          trained, new ZooManifest.Metric(zooTask.metric(), whole, "test"),
          new ZooManifest.Check(slice, part, tolerance), draft.files()).write(fresh);
      out.printf(Locale.ROOT, "zoo:%s: test %s %.6f (first %d items: %.6f)%n", name,
          zooTask.metric(), whole, slice, part);
    });
    List<String> index = new ArrayList<>(Files.isRegularFile(into.resolve(PublishedModels.INDEX_FILE))
        ? Files.readAllLines(into.resolve(PublishedModels.INDEX_FILE)) : List.of());
    if (!index.contains(name)) {
      index.add(name);
      AtomicFiles.writeLines(into.resolve(PublishedModels.INDEX_FILE), index);
    }
    out.println("published " + folder + " (" + ZooManifest.read(folder.resolve(ZooManifest.FILE))
        .bytes(folder) + " bytes)");
    out.flush();
    return 0;
  }

  /** Every file under {@code dir}, '/'-separated relative path to SHA-256. */
  private static Map<String, String> hashes(Path dir) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        out.put(dir.relativize(f).toString().replace('\\', '/'), Checkpoint.sha256(f));
      }
    }
    return out;
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
