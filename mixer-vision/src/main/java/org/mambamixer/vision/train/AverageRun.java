package org.mambamixer.vision.train;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.translate.TranslateException;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.runtime.report.AtomicFiles;
import org.mambamixer.runtime.report.ProcessMemory;
import org.mambamixer.runtime.report.RunConfig;
import org.mambamixer.runtime.report.Table;
import org.mambamixer.runtime.train.Accuracy;
import org.mambamixer.runtime.train.Checkpoint;
import org.mambamixer.runtime.train.ClassifierConfig;
import org.mambamixer.runtime.train.InitialWeights;
import org.mambamixer.runtime.train.TrainingTask;
import org.mambamixer.vision.data.ImageDataset;
import org.mambamixer.vision.model.Vim2;

/**
 * The best weights of several classify runs of one model averaged into one model and evaluated:
 * stochastic weight averaging over the ends of cosine cycles (a run and the runs started from it
 * with {@code --init-from}). Its run directory:
 *
 * <pre>
 *   config.json        the dataset, hold-out, model, variants and scan, and the averaged
 *                      checkpoints with their manifests' SHA-256 ("average")
 *   checkpoint/best    the averaged weights, no optimizer state (classify --init-from takes it)
 *   results.csv        a row per source (from its own results.csv) and one for the average:
 *                      validation and test top-1 side by side; results.md
 *   confusion.csv      the average's test confusion counts; confusion.png its heat map
 * </pre>
 */
public final class AverageRun {
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting()
      .serializeSpecialFloatingPointValues().create();

  /** A classify run whose {@code checkpoint/best} is averaged. */
  public record Source(Path runDir, ClassifyRun.Spec spec, InitialWeights weights) {

    /** The run in {@code runDir}, its best checkpoint verified against its manifest. */
    public static Source of(Path runDir) throws IOException {
      Path config = runDir.resolve("config.json");
      if (!Files.isRegularFile(config)) {
        throw new IOException(runDir + " is not a classify run directory (no config.json)");
      }
      ClassifyRun.Spec spec = ClassifyRun.readSpec(config);
      return new Source(runDir.toAbsolutePath().normalize(), spec,
          InitialWeights.of(runDir.resolve("checkpoint").resolve("best")));
    }
  }

  /** What the average measured: test and (when the runs held images out) validation scores. */
  public record Outcome(double top1, double top5, double valTop1, long params, Path runDir) {}

  private final Variants variants;
  private final SelectiveScan scan;
  private final PrintWriter log;

  public AverageRun(Variants variants, SelectiveScan scan, PrintWriter log) {
    this.variants = variants;
    this.scan = scan;
    this.log = log;
  }

  /**
   * The sources' model, variants and dataset must be one; a hold-out that differs is reported,
   * since a source may then have trained on the images the average is validated on.
   *
   * @throws IllegalArgumentException naming the first source that differs
   */
  public static void check(List<Source> sources) {
    if (sources.size() < 2) {
      throw new IllegalArgumentException("give at least two runs to average, got "
          + sources.size());
    }
    ClassifyRun.Spec first = sources.get(0).spec();
    for (Source s : sources.subList(1, sources.size())) {
      ClassifyRun.Spec o = s.spec();
      String what = !o.dataset().equals(first.dataset()) ? "dataset " + o.dataset()
          : !o.model().equals(first.model()) ? "model " + o.model()
          : !o.variants().equals(first.variants()) ? "variants " + o.variants() : null;
      if (what != null) {
        throw new IllegalArgumentException(s.runDir() + " trained another " + what + " than "
            + sources.get(0).runDir() + "; only weights of one model average into it");
      }
    }
  }

  /** Whether every source held out the same images (size and seed) as the first. */
  public static boolean sameHoldout(List<Source> sources) {
    ClassifyRun.Spec first = sources.get(0).spec();
    return sources.stream().allMatch(s -> s.spec().valSize() == first.valSize()
        && s.spec().train().seed() == first.train().seed());
  }

  /**
   * Averages the sources' weights, evaluates them on {@code data}'s validation and test splits
   * (the first source's hold-out) and writes the run directory.
   */
  public Outcome execute(List<Source> sources, ClassifyRun.Data data, Path runDir,
      String commandLine) throws IOException, TranslateException {
    check(sources);
    if (Files.exists(runDir.resolve("results.csv"))) {
      throw new IOException(runDir + " already holds a finished run; choose another --run-dir");
    }
    ClassifyRun.Spec first = sources.get(0).spec();
    if (!sameHoldout(sources)) {
      log.printf(Locale.ROOT, "warning: the runs held out different images (size and seed);"
          + " the validation scores below are on %s's, which the others may have trained on%n",
          sources.get(0).runDir());
    }
    long t0 = System.nanoTime();
    try (NDManager manager = NDManager.newBaseManager()) {
      Vim2 model = ClassifyRun.build(first.model(), first.variants(), variants, scan);
      ClassifierConfig tc = first.train();
      model.initialize(manager, DataType.FLOAT32, model.inputShape(tc.batchSize()));
      long params = model.getParameters().stream()
          .mapToLong(p -> p.getValue().getArray().size()).sum();
      try (Model djl = Model.newInstance("vim2")) {
        djl.setBlock(model);
        List<Path> checkpoints = new ArrayList<>();
        for (Source s : sources) {
          checkpoints.add(s.weights().verified());
        }
        Checkpoint.loadAverage(checkpoints, djl, manager);
        TrainingTask.Inference clf = TrainingTask.Inference.of(model, manager);
        int classes = first.model().classes();
        log.printf(Locale.ROOT, "averaged the weights of %d runs (%,d parameters)%n",
            sources.size(), params);
        Accuracy val = null;
        if (data.val() != null) {
          log.printf(Locale.ROOT, "validation: %d images...%n", data.val().size());
          log.flush();
          val = Classifier.evaluate(clf, ImageDataset.evaluation(data.val(), data.norm(),
              tc.evalBatchSize()), classes);
        }
        log.printf(Locale.ROOT, "test: %d images...%n", data.test().size());
        log.flush();
        Accuracy test = Classifier.evaluate(clf,
            ImageDataset.evaluation(data.test(), data.norm(), tc.evalBatchSize()), classes);
        double seconds = (System.nanoTime() - t0) / 1e9;
        Outcome out = new Outcome(test.top1(), test.top5(),
            val == null ? Double.NaN : val.top1(), params, runDir);
        // Written once everything is measured, results.csv (the mark of a finished average)
        // last: a failed average leaves no directory that looks like a finished one.
        Files.createDirectories(runDir);
        // The weights alone: no optimizer state belongs to an average.
        Checkpoint.save(runDir.resolve("checkpoint").resolve("best"), djl, 0, null);
        ConfusionChart.writeCsv(runDir.resolve("confusion.csv"), data.test().classes(),
            test.confusion());
        ConfusionChart.writePng(runDir.resolve("confusion.png"), first.dataset() + " test, "
            + "average of " + sources.size() + " " + first.preset() + String.format(Locale.ROOT,
            ", top-1 %.4f", test.top1()), data.test().classes(), test.confusion());
        AtomicFiles.writeString(runDir.resolve("config.json"),
            configJson(sources, scan.name(), commandLine));
        writeResults(sources, out, seconds);
        log.printf(Locale.ROOT, "%s %s, average of %d: test top-1 %.4f  top-5 %.4f%s  (%.0fs,"
            + " peak RSS %d MB)%n", first.dataset(), first.preset(), sources.size(), test.top1(),
            test.top5(), val == null ? "" : String.format(Locale.ROOT, "  val top-1 %.4f",
            val.top1()), seconds, ProcessMemory.peakRssMb());
        return out;
      }
    }
  }

  /** A row per source, from its own results.csv (blank where it has none), then the average. */
  private static void writeResults(List<Source> sources, Outcome avg, double seconds)
      throws IOException {
    Table table = Table.of("weights", "dataset", "model", "params", "epochs", "top1", "top5",
        "val_top1", "seconds");
    for (Source s : sources) {
      Path csv = s.runDir().resolve("results.csv");
      Table own = Files.isRegularFile(csv) ? Table.readCsv(csv) : null;
      table = table.append(s.runDir().toString(), s.spec().dataset(), s.spec().preset(),
          avg.params(), own == null ? null : own.get(0, "epochs"),
          own == null ? null : own.get(0, "top1"), own == null ? null : own.get(0, "top5"),
          own == null ? null : own.get(0, "val_top1"), own == null ? null : own.get(0, "seconds"));
    }
    ClassifyRun.Spec first = sources.get(0).spec();
    table = table.append("average of " + sources.size(), first.dataset(), first.preset(),
        avg.params(), null, avg.top1(), avg.top5(),
        Double.isNaN(avg.valTop1()) ? null : avg.valTop1(), Math.round(seconds * 10) / 10.0);
    table.writeCsv(avg.runDir().resolve("results.csv"));
    table.writeMarkdown(avg.runDir().resolve("results.md"), 4);
  }

  private static String configJson(List<Source> sources, String scanName, String commandLine) {
    ClassifyRun.Spec first = sources.get(0).spec();
    JsonObject o = new JsonObject();
    o.addProperty("dataset", first.dataset());
    o.addProperty("data", first.data());
    o.addProperty("val_size", first.valSize());
    o.addProperty("seed", first.train().seed());
    o.addProperty("preset", first.preset());
    o.add("model", GSON.toJsonTree(first.model()));
    o.add("variants", GSON.toJsonTree(first.variants()));
    o.addProperty("scan", scanName);
    JsonArray average = new JsonArray();
    sources.forEach(s -> average.add(GSON.toJsonTree(s.weights())));
    o.add("average", average);
    return GSON.toJson(RunConfig.withProvenance(o, commandLine));
  }

  /**
   * The sources an average's config.json names, each checkpoint verified against the manifest
   * recorded when the average was made: what rebuilds the run from its config.json alone.
   */
  public static List<Source> readSources(Path configJson) throws IOException {
    JsonObject o = RunConfig.read(configJson, "average-weights", "average", "model", "variants");
    List<Source> out = new ArrayList<>();
    for (var e : o.getAsJsonArray("average")) {
      InitialWeights init = GSON.fromJson(e, InitialWeights.class);
      Path checkpoint = init.verified();
      Path run = checkpoint.getParent().getParent();
      out.add(new Source(run, ClassifyRun.readSpec(run.resolve("config.json")), init));
    }
    return out;
  }
}
