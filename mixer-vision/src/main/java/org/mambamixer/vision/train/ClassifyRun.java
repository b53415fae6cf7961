package org.mambamixer.vision.train;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.translate.TranslateException;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.mambamixer.api.block.MixerChoice;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.api.mixer.ChannelMixer;
import org.mambamixer.api.mixer.TokenMixer;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.runtime.data.ImageSet;
import org.mambamixer.runtime.data.Normalization;
import org.mambamixer.runtime.report.RunConfig;
import org.mambamixer.runtime.report.Table;
import org.mambamixer.runtime.train.Accuracy;
import org.mambamixer.runtime.train.Checkpoint;
import org.mambamixer.runtime.train.InitialWeights;
import org.mambamixer.runtime.train.ClassifierConfig;
import org.mambamixer.runtime.train.Stop;
import org.mambamixer.runtime.train.Trainer;
import org.mambamixer.runtime.train.TrainingListener;
import org.mambamixer.vision.data.Augmentation;
import org.mambamixer.vision.data.ImageDataset;
import org.mambamixer.vision.model.CrossScanTokenMixer;
import org.mambamixer.vision.model.LiftedChannelMixer;
import org.mambamixer.vision.model.Vim2;
import org.mambamixer.vision.model.Vim2Backbone;
import org.mambamixer.vision.model.Vim2Config;

/**
 * One training run of a ViM2 classifier: the training loop ({@link Trainer}) writes the run
 * directory's config.json, metrics.csv, batch_loss.csv, checkpoints, state.json and loss.png and
 * resumes bit for bit (resume points every {@code saveInterval} batches besides the epoch ends:
 * an epoch of a real dataset takes an hour or more on two cores); this class adds the test of the
 * best checkpoint:
 *
 * <pre>
 *   results.csv        dataset,model,params,epochs,top1,top5,seconds (+ details); results.md
 *   confusion.csv      test confusion counts, true class by row; confusion.png its heat map
 * </pre>
 *
 * Without a validation split every epoch counts as the best: the last one is tested.
 */
public final class ClassifyRun {
  // A resume point inside the first epoch comes before any validation: bestVal is -Infinity.
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting()
      .serializeSpecialFloatingPointValues().create();

  /**
   * What to run.
   *
   * @param dataset the dataset's name, e.g. fashion-mnist
   * @param preset the model preset the run started from, e.g. vim2-tiny-28
   * @param model the model's full shape (the preset at the data's resolution)
   * @param variants the registered variants the backbone is built from
   * @param train the training budget and optimiser settings
   * @param valSize images held out of the training split for model selection (0: none)
   * @param data the data directory read
   * @param scan the registered name of the scan backend asked for
   * @param commandLine the command that started the run
   * @param init the checkpoint whose weights the run starts from instead of a seeded
   *     initialisation (null: none)
   */
  public record Spec(String dataset, String preset, Vim2Config model, MixerChoice variants,
      ClassifierConfig train, int valSize, String data, String scan, String commandLine,
      InitialWeights init) {

    /** The same run recorded as started by {@code line}. */
    public Spec withCommandLine(String line) {
      return new Spec(dataset, preset, model, variants, train, valSize, data, scan, line, init);
    }

    /** Without initial weights. */
    public Spec(String dataset, String preset, Vim2Config model, MixerChoice variants,
        ClassifierConfig train, int valSize, String data, String scan, String commandLine) {
      this(dataset, preset, model, variants, train, valSize, data, scan, commandLine, null);
    }
  }

  /**
   * What a run directory says of the weights in its checkpoint, read from a classify run's or a
   * weight average's config.json: the dataset and model, the hold-out they were chosen on, and
   * the data directory read.
   */
  public record Origin(String dataset, Vim2Config model, MixerChoice variants, int valSize,
      long seed, String data) {

    public static Origin read(Path configJson) throws IOException {
      JsonObject o = RunConfig.read(configJson, "classify or average-weights", "dataset",
          "model", "variants", "val_size", "data");
      try {
        long seed = o.has("train") ? o.getAsJsonObject("train").get("seed").getAsLong()
            : o.get("seed").getAsLong();
        return new Origin(o.get("dataset").getAsString(),
            GSON.fromJson(o.get("model"), Vim2Config.class),
            GSON.fromJson(o.get("variants"), MixerChoice.class), o.get("val_size").getAsInt(),
            seed, o.get("data").getAsString());
      } catch (RuntimeException e) {
        throw new IOException(configJson + " does not say which model its weights are of: "
            + e.getMessage(), e);
      }
    }
  }

  /** The images of a run: train (minus the held-out part), validation (may be null), test. */
  public record Data(ImageSet train, ImageSet val, ImageSet test, Normalization norm,
      Augmentation augment) {}

  /** What a run measured; top-1/top-5 are on the test split with the best checkpoint. */
  public record Outcome(String dataset, String model, long params, int epochs, double top1,
      double top5, double seconds, double valTop1, int bestEpoch, double secondsPerEpoch,
      double secondsPerBatch, long peakRssMb, long[][] confusion, Path runDir) {}

  /** Batches between two resume points inside an epoch (one every few minutes on two cores). */
  public static final int DEFAULT_SAVE_INTERVAL = 100;

  private final Variants variants;
  private final SelectiveScan scan;
  private final PrintWriter log;
  private final int saveInterval;
  private final List<TrainingListener> listeners;

  public ClassifyRun(Variants variants, SelectiveScan scan, PrintWriter log) {
    this(variants, scan, log, DEFAULT_SAVE_INTERVAL);
  }

  /**
   * With listeners of the training loop.
   *
   * @param saveInterval batches between resume points inside an epoch (0: at epoch ends only)
   */
  public ClassifyRun(Variants variants, SelectiveScan scan, PrintWriter log, int saveInterval,
      TrainingListener... listeners) {
    if (saveInterval < 0) {
      throw new IllegalArgumentException("saveInterval must be >= 0, got " + saveInterval);
    }
    this.variants = variants;
    this.scan = scan;
    this.log = log;
    this.saveInterval = saveInterval;
    this.listeners = List.of(listeners);
  }

  /** The classifier that {@code spec} names, built from the registered variants. */
  public Vim2 build(Spec spec) {
    return build(spec.model(), spec.variants(), variants, scan);
  }

  /**
   * The classifier {@code model} with the variants {@code v} names, on {@code scan}. The registry
   * holds ViM2's own mixers at their defaults, so where {@code v} names them they are sized by
   * {@code model} instead: its routes and channel sizes are part of the model a config records.
   */
  public static Vim2 build(Vim2Config model, MixerChoice v, Variants variants,
      SelectiveScan scan) {
    TokenMixer.Factory tokens = variants.tokenMixer(v.tokenMixer());
    if (tokens instanceof CrossScanTokenMixer.Factory) {
      tokens = new CrossScanTokenMixer.Factory(model.routes());
    }
    ChannelMixer.Factory channels = variants.channelMixer(v.channelMixer());
    if (channels instanceof LiftedChannelMixer.Factory) {
      channels = new LiftedChannelMixer.Factory(model.channelFeature(), model.channelState());
    }
    return new Vim2(new Vim2Backbone(model, tokens, channels, variants.skip(v.skip()),
        variants.norm(v.norm()), scan));
  }

  /**
   * The classifier {@code origin} names with the weights of {@code checkpoint} (verified, weights
   * only), as a DJL model the caller closes; its parameters live on {@code manager}.
   */
  public static Model restore(Origin origin, Path checkpoint, Variants variants,
      SelectiveScan scan, NDManager manager) throws IOException {
    Vim2 model = build(origin.model(), origin.variants(), variants, scan);
    model.initialize(manager, DataType.FLOAT32, model.inputShape(1));
    Model djl = Model.newInstance("vim2");
    try {
      djl.setBlock(model);
      Checkpoint.load(checkpoint, djl, null, manager);
      return djl;
    } catch (IOException | RuntimeException e) {
      djl.close();
      throw e;
    }
  }

  /** Trains, restores the best epoch, evaluates on test and writes every file of the run. */
  public Outcome execute(Spec spec, Data data, Path runDir, boolean resume)
      throws IOException, TranslateException {
    ClassifierConfig tc = spec.train();
    // A signal now stops the run at a batch boundary, not the JVM under a running op.
    try (Stop.Training training = Stop.training();
        NDManager manager = NDManager.newBaseManager()) {
      manager.getEngine().setRandomSeed((int) tc.seed());
      Vim2 model = build(spec);
      model.initialize(manager, DataType.FLOAT32, model.inputShape(tc.batchSize()));
      Classifier task = new Classifier(model, tc, ImageDataset.training(data.train(), data.norm(),
          data.augment(), tc.batchSize(), tc.seed()), data.val() == null ? null
              : ImageDataset.evaluation(data.val(), data.norm(), tc.evalBatchSize()));
      try (Trainer trainer = new Trainer(task, tc, manager, log).saveInterval(saveInterval)) {
        listeners.forEach(trainer::listen);
        Vim2Config mc = spec.model();
        log.printf(Locale.ROOT, "%s: %d train / %s validation / %d test images of %d x %d x %d,"
            + " %d classes; %s (%s) with %,d parameters; scan backend %s%n", spec.dataset(),
            data.train().size(), data.val() == null ? "no" : Integer.toString(data.val().size()),
            data.test().size(), mc.inChannels(), mc.imageSize(), mc.imageSize(), mc.classes(),
            spec.preset(), variantsLine(spec.variants()), trainer.parameters(), scan.name());
        if (spec.init() != null && spec.init().loadInto(trainer, runDir, resume)) {
          log.printf(Locale.ROOT, "starting from the weights of %s%n", spec.init().checkpoint());
        }
        Trainer.Summary s = trainer.fit(runDir, resume, GSON.toJson(configJson(spec)));
        long t0 = System.nanoTime();
        Accuracy t = Classifier.evaluate(trainer.inference(), ImageDataset.evaluation(data.test(),
            data.norm(), tc.evalBatchSize()), mc.classes());
        log.printf(Locale.ROOT, "test evaluation of %d images: %.0fs%n", t.count(),
            (System.nanoTime() - t0) / 1e9);
        Outcome out = new Outcome(spec.dataset(), spec.preset(), s.parameters(), s.epochs(),
            t.top1(), t.top5(), s.seconds(), data.val() == null ? Double.NaN : s.bestScore(),
            s.bestEpoch(), s.secondsPerEpoch(), s.secondsPerBatch(), s.peakRssMb(),
            t.confusion(), runDir);
        writeResults(runDir, List.of(out));
        ConfusionChart.writeCsv(runDir.resolve("confusion.csv"), data.test().classes(),
            out.confusion());
        ConfusionChart.writePng(runDir.resolve("confusion.png"), spec.dataset() + " test, "
            + spec.preset() + String.format(Locale.ROOT, ", top-1 %.4f", t.top1()),
            data.test().classes(), out.confusion());
        log.printf(Locale.ROOT, "%s %s: test top-1 %.4f  top-5 %.4f  (best epoch %d of %d,"
            + " %.0fs)%n", spec.dataset(), spec.preset(), t.top1(), t.top5(), out.bestEpoch(),
            out.epochs(), out.seconds());
        return out;
      }
    }
  }

  /** The results table: the columns first, then details. */
  public static void writeResults(Path dir, List<Outcome> outcomes) throws IOException {
    Table table = Table.of("dataset", "model", "params", "epochs", "top1", "top5", "seconds",
        "val_top1", "best_epoch", "seconds_per_epoch", "seconds_per_batch", "peak_rss_mb");
    for (Outcome o : outcomes) {
      table = table.append(o.dataset(), o.model(), o.params(), o.epochs(), o.top1(), o.top5(),
          Math.round(o.seconds() * 10) / 10.0, Double.isNaN(o.valTop1()) ? "" : o.valTop1(),
          o.bestEpoch(), Math.round(o.secondsPerEpoch() * 10) / 10.0,
          Math.round(o.secondsPerBatch() * 1000) / 1000.0, o.peakRssMb());
    }
    table.writeCsv(dir.resolve("results.csv"));
    table.writeMarkdown(dir.resolve("results.md"), 4);
  }

  private static String variantsLine(MixerChoice v) {
    return "token " + v.tokenMixer() + ", channel " + v.channelMixer() + ", skip " + v.skip()
        + ", norm " + v.norm();
  }

  /** The run's config.json. */
  public static JsonObject configJson(Spec spec) {
    JsonObject o = new JsonObject();
    o.addProperty("dataset", spec.dataset());
    o.addProperty("data", spec.data());
    o.addProperty("val_size", spec.valSize());
    o.addProperty("preset", spec.preset());
    o.add("model", GSON.toJsonTree(spec.model()));
    o.add("variants", GSON.toJsonTree(spec.variants()));
    o.addProperty("scan", spec.scan());
    o.add("train", GSON.toJsonTree(spec.train()));
    if (spec.init() != null) {
      o.add("init", GSON.toJsonTree(spec.init()));
    }
    return RunConfig.withProvenance(o, spec.commandLine());
  }

  /** The settings of a run, from its config.json. */
  public static Spec readSpec(Path configJson) throws IOException {
    try {
      return spec(RunConfig.read(configJson, "classify", "preset", "model", "variants", "train"));
    } catch (IllegalArgumentException e) {
      throw new IOException(configJson + " does not hold a valid classify config: "
          + e.getMessage(), e);
    }
  }

  /**
   * The settings a config.json holds.
   *
   * @throws IllegalArgumentException naming what is missing or invalid
   */
  public static Spec spec(JsonObject o) {
    try {
      RunConfig.require(o, "dataset", "preset", "model", "variants", "train", "val_size", "data",
          "scan");
      return new Spec(o.get("dataset").getAsString(), o.get("preset").getAsString(),
          GSON.fromJson(o.get("model"), Vim2Config.class),
          GSON.fromJson(o.get("variants"), MixerChoice.class),
          GSON.fromJson(o.get("train"), ClassifierConfig.class), o.get("val_size").getAsInt(),
          o.get("data").getAsString(), o.get("scan").getAsString(),
          RunConfig.string(o, "command", ""),
          o.has("init") ? GSON.fromJson(o.get("init"), InitialWeights.class) : null);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a valid classify config: " + RunConfig.reason(e),
          e);
    }
  }

}
