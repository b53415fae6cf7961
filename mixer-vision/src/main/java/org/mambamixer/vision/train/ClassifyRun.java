package org.mambamixer.vision.train;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.translate.TranslateException;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mambamixer.api.block.MixerChoice;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.api.mixer.ChannelMixer;
import org.mambamixer.api.mixer.TokenMixer;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.runtime.data.ImageSet;
import org.mambamixer.runtime.data.Normalization;
import org.mambamixer.runtime.report.AtomicFiles;
import org.mambamixer.runtime.report.Charts;
import org.mambamixer.runtime.report.MetricsLog;
import org.mambamixer.runtime.report.ProcessMemory;
import org.mambamixer.runtime.report.Progress;
import org.mambamixer.runtime.report.RunConfig;
import org.mambamixer.runtime.report.Table;
import org.mambamixer.runtime.train.Accuracy;
import org.mambamixer.runtime.train.Checkpoint;
import org.mambamixer.runtime.train.ClassifierConfig;
import org.mambamixer.runtime.train.Stop;
import org.mambamixer.vision.data.Augmentation;
import org.mambamixer.vision.data.ImageDataset;
import org.mambamixer.vision.model.CrossScanTokenMixer;
import org.mambamixer.vision.model.LiftedChannelMixer;
import org.mambamixer.vision.model.Vim2;
import org.mambamixer.vision.model.Vim2Backbone;
import org.mambamixer.vision.model.Vim2Config;

/**
 * One training run of a ViM2 classifier with its run directory, laid out like a forecast run's:
 *
 * <pre>
 *   config.json        preset name, full model config, variants by name, training config, data,
 *                      scan backend, command line, initial weights (if any)
 *   metrics.csv        one row per epoch: lr (of its first batch), train loss, validation
 *                      top-1/top-5, seconds
 *   batch_loss.csv     the training loss of every batch
 *   checkpoint/last    weights and optimizer state at the last resume point (--resume): the end
 *                      of an epoch, or every saveInterval batches inside it
 *   checkpoint/best    weights of the best validation top-1 epoch (what the test uses)
 *   state.json         progress of the run (epochs and batches done, best epoch, seconds)
 *   results.csv        dataset,model,params,epochs,top1,top5,seconds (+ details); results.md
 *   confusion.csv      test confusion counts, true class by row; confusion.png its heat map
 *   loss.png           training loss and validation top-1 per epoch
 * </pre>
 *
 * Every file is written atomically. Shuffles and augmentation are seeded per epoch and the
 * optimizer's moments are saved, so a killed run resumed from its last resume point gives the
 * numbers of an uninterrupted one. An epoch of a real dataset takes an hour or more on two cores,
 * so resume points inside the epoch are what lets a run span sessions.
 */
public final class ClassifyRun {
  // A resume point inside the first epoch comes before any validation: bestVal is -Infinity.
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting()
      .serializeSpecialFloatingPointValues().create();
  private static final List<String> METRIC_COLUMNS =
      List.of("epoch", "lr", "train_loss", "val_top1", "val_top5", "seconds");
  private static final List<String> BATCH_COLUMNS = List.of("epoch", "batch", "loss");

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
      Init init) {

    /** Without initial weights. */
    public Spec(String dataset, String preset, Vim2Config model, MixerChoice variants,
        ClassifierConfig train, int valSize, String data, String scan, String commandLine) {
      this(dataset, preset, model, variants, train, valSize, data, scan, commandLine, null);
    }
  }

  /**
   * Weights to start from: a checkpoint folder and the SHA-256 of its manifest when the run
   * started (the manifest holds every file's hash), so a run rebuilt later refuses a checkpoint
   * that has changed since.
   */
  public record Init(String checkpoint, String manifestSha256) {

    /** The checkpoint folder as it is now, verified against its manifest. */
    public static Init of(Path checkpoint) throws IOException {
      Checkpoint.verify(checkpoint);
      return new Init(checkpoint.toAbsolutePath().normalize().toString(),
          Checkpoint.sha256(checkpoint.resolve(Checkpoint.MANIFEST)));
    }

    /** Verifies the folder and that its manifest is the one recorded. */
    Path verified() throws IOException {
      Path dir = Path.of(checkpoint);
      Checkpoint.verify(dir);
      String now = Checkpoint.sha256(dir.resolve(Checkpoint.MANIFEST));
      if (!now.equals(manifestSha256)) {
        throw new IOException("the initial checkpoint " + dir + " has changed since the run"
            + " started (manifest SHA-256 " + now + ", recorded " + manifestSha256 + ")");
      }
      return dir;
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

  /**
   * @param epochsDone finished epochs
   * @param bestVal the best validation top-1
   * @param seconds training and validation time of the finished epochs
   * @param batches training batches of the finished epochs
   * @param trainSeconds training time of those batches
   * @param batchesDone batches of the next epoch already trained (a resume point inside it)
   * @param epochLoss the sum of those batches' losses, added in batch order
   * @param epochSeconds their training time
   */
  private record State(int epochsDone, int bestEpoch, double bestVal, double seconds,
      long batches, double trainSeconds, int batchesDone, double epochLoss, double epochSeconds) {}

  private final Variants variants;
  private final SelectiveScan scan;
  private final PrintWriter log;
  private final Classifier.BatchListener observer;
  private final int saveInterval;

  public ClassifyRun(Variants variants, SelectiveScan scan, PrintWriter log) {
    this(variants, scan, log, (b, n, loss) -> { }, DEFAULT_SAVE_INTERVAL);
  }

  /**
   * With an observer of every training batch (after the progress line).
   *
   * @param saveInterval batches between resume points inside an epoch (0: at epoch ends only)
   */
  public ClassifyRun(Variants variants, SelectiveScan scan, PrintWriter log,
      Classifier.BatchListener observer, int saveInterval) {
    if (saveInterval < 0) {
      throw new IllegalArgumentException("saveInterval must be >= 0, got " + saveInterval);
    }
    this.variants = variants;
    this.scan = scan;
    this.log = log;
    this.observer = observer;
    this.saveInterval = saveInterval;
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

  /** Trains, restores the best epoch, evaluates on test and writes every file of the run. */
  public Outcome execute(Spec spec, Data data, Path runDir, boolean resume)
      throws IOException, TranslateException {
    Files.createDirectories(runDir.resolve("checkpoint"));
    Path statePath = runDir.resolve("state.json");
    if (!resume && Files.exists(statePath)) {
      throw new IOException(runDir + " already holds a run; pass --resume to continue it or"
          + " choose another --run-dir");
    }
    if (!resume || !Files.exists(runDir.resolve("config.json"))) {
      // Written once, before training: a resumed run keeps the config it was started with.
      AtomicFiles.writeString(runDir.resolve("config.json"), configJson(spec));
    }
    ClassifierConfig tc = spec.train();
    // A signal now stops the run at a batch boundary, not the JVM under a running op.
    try (Stop.Training training = Stop.training();
        NDManager manager = NDManager.newBaseManager()) {
      manager.getEngine().setRandomSeed((int) tc.seed());
      Vim2 model = build(spec);
      model.initialize(manager, DataType.FLOAT32, model.inputShape(tc.batchSize()));
      long params = model.getParameters().stream()
          .mapToLong(p -> p.getValue().getArray().size()).sum();
      try (Classifier clf = new Classifier(model, manager, tc)) {
        return train(spec, clf, params, data, runDir, resume);
      }
    }
  }

  private Outcome train(Spec spec, Classifier clf, long params, Data data, Path runDir,
      boolean resume) throws IOException, TranslateException {
    ClassifierConfig tc = spec.train();
    Path statePath = runDir.resolve("state.json");
    ImageDataset train = ImageDataset.training(data.train(), data.norm(), data.augment(),
        tc.batchSize(), tc.seed());
    ImageDataset val = data.val() == null ? null
        : ImageDataset.evaluation(data.val(), data.norm(), tc.evalBatchSize());
    int batches = clf.batchesPerEpoch(data.train().size());
    State state = new State(0, -1, Double.NEGATIVE_INFINITY, 0, 0, 0, 0, 0, 0);
    MetricsLog metrics;
    MetricsLog batchLog;
    if (resume && Files.exists(statePath)) {
      state = GSON.fromJson(Files.readString(statePath), State.class);
      clf.load(runDir.resolve("checkpoint/last"), true);
      metrics = MetricsLog.open(runDir.resolve("metrics.csv"), METRIC_COLUMNS);
      metrics.truncate(state.epochsDone());
      batchLog = MetricsLog.open(runDir.resolve("batch_loss.csv"), BATCH_COLUMNS);
      batchLog.truncate(state.epochsDone() * batches + state.batchesDone());
      log.printf(Locale.ROOT, "resuming %s after epoch %d%s (%s)%n", runDir, state.epochsDone(),
          state.batchesDone() > 0
              ? String.format(Locale.ROOT, " and %d batches", state.batchesDone()) : "",
          state.bestEpoch() < 0 ? "no epoch validated yet" : String.format(Locale.ROOT,
              "best validation top-1 %.4f at epoch %d", state.bestVal(), state.bestEpoch() + 1));
    } else {
      if (spec.init() != null) {
        clf.load(spec.init().verified(), false); // weights only: a fresh optimizer and schedule
        log.printf(Locale.ROOT, "starting from the weights of %s%n", spec.init().checkpoint());
      }
      metrics = MetricsLog.create(runDir.resolve("metrics.csv"), METRIC_COLUMNS);
      batchLog = MetricsLog.create(runDir.resolve("batch_loss.csv"), BATCH_COLUMNS);
    }
    Vim2Config mc = spec.model();
    log.printf(Locale.ROOT, "%s: %d train / %s validation / %d test images of %d x %d x %d, %d"
        + " classes; %s (%s) with %,d parameters; scan backend %s%n", spec.dataset(),
        data.train().size(), data.val() == null ? "no" : Integer.toString(data.val().size()),
        data.test().size(), mc.inChannels(), mc.imageSize(), mc.imageSize(), mc.classes(),
        spec.preset(), variantsLine(spec.variants()), params, scan.name());
    Progress progress = new Progress(log, System::nanoTime, Duration.ofSeconds(2), 0.1);
    Path last = runDir.resolve("checkpoint/last");
    for (int epoch = state.epochsDone(); epoch < tc.epochs(); epoch++) {
      progress.startEpoch(epoch + 1, tc.epochs(), batches);
      // Training in segments of saveInterval batches, each ending in a resume point; the loss sum
      // is carried batch by batch, so it is the same however the epoch was cut.
      double[] lossSum = {state.epochLoss()};
      double trainSecs = state.epochSeconds();
      int from = state.batchesDone();
      while (from < batches) {
        int to = saveInterval == 0 ? batches : Math.min(batches, from + saveInterval);
        long t0 = System.nanoTime();
        List<Float> losses = new ArrayList<>();
        clf.trainBatches(train, epoch, from, to, (b, n, loss) -> {
          losses.add(loss);
          lossSum[0] += loss;
          progress.batch(b + 1, loss);
          observer.batch(b, n, loss);
        });
        trainSecs += (System.nanoTime() - t0) / 1e9;
        for (int b = 0; b < losses.size(); b++) {
          batchLog.append(epoch + 1, from + b + 1, losses.get(b));
        }
        if (to < batches) {
          clf.save(last, epoch + 1);
          state = new State(state.epochsDone(), state.bestEpoch(), state.bestVal(),
              state.seconds(), state.batches(), state.trainSeconds(), to, lossSum[0], trainSecs);
          AtomicFiles.writeString(statePath, GSON.toJson(state));
        }
        from = to;
      }
      double trainLoss = lossSum[0] / Math.max(1, batches);
      long v0 = System.nanoTime();
      Accuracy v = val == null ? null : clf.evaluate(val);
      double secs = trainSecs + (System.nanoTime() - v0) / 1e9;
      // Without a validation set every epoch counts as the best: the last one is tested.
      double score = v == null ? 0 : v.top1();
      boolean better = v == null || score > state.bestVal();
      if (better) {
        clf.save(runDir.resolve("checkpoint/best"), epoch + 1);
      }
      clf.save(last, epoch + 1);
      metrics.append(epoch + 1, tc.schedule().at(epoch, 0, batches), trainLoss,
          v == null ? "" : v.top1(), v == null ? "" : v.top5(), secs);
      state = new State(epoch + 1, better ? epoch : state.bestEpoch(),
          better ? score : state.bestVal(), state.seconds() + secs,
          state.batches() + batches, state.trainSeconds() + trainSecs, 0, 0, 0);
      AtomicFiles.writeString(statePath, GSON.toJson(state));
      log.printf(Locale.ROOT, "epoch %d/%d  train loss %.4f  %s  %.0fs (%.2fs per batch)%s%n",
          epoch + 1, tc.epochs(), trainLoss, v == null ? "no validation"
              : String.format(Locale.ROOT, "val top-1 %.4f  top-5 %.4f", v.top1(), v.top5()),
          secs, trainSecs / Math.max(1, batches), better && v != null ? "  (best)" : "");
    }
    clf.load(runDir.resolve("checkpoint/best"), false);
    long t0 = System.nanoTime();
    Accuracy t = clf.evaluate(ImageDataset.evaluation(data.test(), data.norm(),
        tc.evalBatchSize()));
    log.printf(Locale.ROOT, "test evaluation of %d images: %.0fs%n", t.count(),
        (System.nanoTime() - t0) / 1e9);
    int done = state.epochsDone();
    Outcome out = new Outcome(spec.dataset(), spec.preset(), params, done, t.top1(), t.top5(),
        state.seconds(), val == null ? Double.NaN : state.bestVal(), state.bestEpoch() + 1,
        state.seconds() / Math.max(1, done), state.trainSeconds() / Math.max(1, state.batches()),
        ProcessMemory.peakRssMb(), t.confusion(), runDir);
    writeResults(runDir, List.of(out));
    ConfusionChart.writeCsv(runDir.resolve("confusion.csv"), data.test().classes(),
        out.confusion());
    ConfusionChart.writePng(runDir.resolve("confusion.png"), spec.dataset() + " test, "
        + spec.preset() + String.format(Locale.ROOT, ", top-1 %.4f", t.top1()),
        data.test().classes(), out.confusion());
    Charts.write(runDir.resolve("loss.png"), Charts.trainingCurves(metrics.table(),
        new Charts.Curve("train", "train_loss", "cross-entropy (label-smoothed)"),
        new Charts.Curve("validation top-1", "val_top1", "top-1")));
    log.printf(Locale.ROOT, "%s %s: test top-1 %.4f  top-5 %.4f  (best epoch %d of %d, %.0fs)%n",
        spec.dataset(), spec.preset(), t.top1(), t.top5(), out.bestEpoch(), done, out.seconds());
    return out;
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

  private static String configJson(Spec spec) {
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
    return GSON.toJson(RunConfig.withProvenance(o, spec.commandLine()));
  }

  /** The settings of a run, from its config.json. */
  public static Spec readSpec(Path configJson) throws IOException {
    JsonObject o = RunConfig.read(configJson, "classify", "preset", "model", "variants", "train");
    try {
      return new Spec(o.get("dataset").getAsString(), o.get("preset").getAsString(),
          GSON.fromJson(o.get("model"), Vim2Config.class),
          GSON.fromJson(o.get("variants"), MixerChoice.class),
          GSON.fromJson(o.get("train"), ClassifierConfig.class), o.get("val_size").getAsInt(),
          o.get("data").getAsString(), o.get("scan").getAsString(),
          RunConfig.string(o, "command", ""),
          o.has("init") ? GSON.fromJson(o.get("init"), Init.class) : null);
    } catch (RuntimeException e) {
      throw new IOException(configJson + " does not hold a valid classify config: "
          + e.getMessage(), e);
    }
  }

}
