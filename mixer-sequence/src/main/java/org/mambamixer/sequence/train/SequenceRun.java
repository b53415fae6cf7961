package org.mambamixer.sequence.train;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.api.scan.ReferenceScan;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.runtime.report.RunConfig;
import org.mambamixer.runtime.report.Table;
import org.mambamixer.runtime.train.Accuracy;
import org.mambamixer.runtime.train.ClassifierConfig;
import org.mambamixer.runtime.train.Stop;
import org.mambamixer.runtime.train.Trainer;
import org.mambamixer.runtime.train.TrainingListener;
import org.mambamixer.runtime.train.TrainingTask;
import org.mambamixer.sequence.data.PixelSequences;
import org.mambamixer.sequence.model.SequenceClassifier;
import org.mambamixer.sequence.model.SequenceConfig;
import org.mambamixer.sequence.stream.RecurrentClassifier;

/**
 * One training run of a sequence classifier: the training loop ({@link Trainer}) writes the run
 * directory's config.json, metrics.csv (per epoch: lr, train loss, seconds), batch_loss.csv,
 * checkpoints, state.json and loss.png, and resumes bit for bit; this class adds the one test
 * evaluation of the last weights:
 *
 * <pre>
 *   results.csv        test accuracy, the median training batch time of the last epoch, and with
 *                      --stream the streamed accuracy, the largest |logit| difference stream vs
 *                      forward and the time per token of each
 * </pre>
 */
public final class SequenceRun {
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

  /**
   * What to run.
   *
   * @param dataset fashion-mnist or mnist-test
   * @param data the folder read
   * @param permuted whether the pixels are read in a fixed permutation
   * @param permutationSeed the seed of that permutation
   * @param trainImages images trained on
   * @param testImages images evaluated
   * @param model the classifier's shape and variants
   * @param train the training budget
   * @param scan the scan backend's registered name
   * @param stream whether the final evaluation also runs the recurrent step
   * @param commandLine the command that started the run
   */
  public record Spec(String dataset, String data, boolean permuted, long permutationSeed,
      int trainImages, int testImages, SequenceConfig model, ClassifierConfig train,
      String scan, boolean stream, String commandLine) {

    /** The same run recorded as started by {@code line}. */
    public Spec withCommandLine(String line) {
      return new Spec(dataset, data, permuted, permutationSeed, trainImages, testImages, model,
          train, scan, stream, line);
    }
  }

  /**
   * What a run measured. Stream fields are NaN without {@code --stream}.
   *
   * @param maxStreamDiff largest |logit| difference between the stream and the full forward on
   *     the first evaluation batch
   * @param forwardMsPerToken full forward time of that batch divided by its tokens (B * L)
   * @param streamMsPerToken streamed time of that batch divided by its tokens
   * @param medianBatchMs median time of a training batch in the last epoch
   */
  public record Outcome(double top1, double top5, double streamTop1, double maxStreamDiff,
      double forwardMsPerToken, double streamMsPerToken, double medianBatchMs, int epochs,
      double seconds, long peakRssMb, long parameters) {}

  private final Variants variants;
  private final SelectiveScan scan;
  private final PrintWriter log;
  private final int saveInterval;
  private final List<TrainingListener> listeners;

  /**
   * With listeners of the training loop.
   *
   * @param saveInterval batches between resume points inside an epoch (0: epoch ends only)
   */
  public SequenceRun(Variants variants, SelectiveScan scan, PrintWriter log, int saveInterval,
      TrainingListener... listeners) {
    this.variants = variants;
    this.scan = scan;
    this.log = log;
    this.saveInterval = saveInterval;
    this.listeners = List.of(listeners);
  }

  /**
   * Checks that a model of {@code config} has a recurrent step, before any data is read or
   * trained on; builds it once on the reference scan with untrained weights.
   *
   * @throws UnsupportedOperationException with the reason when a token mixer has none
   */
  public static void requireStreamable(SequenceConfig config, Variants variants) {
    try (NDManager manager = NDManager.newBaseManager()) {
      SequenceClassifier model = new SequenceClassifier(config, variants, new ReferenceScan());
      model.initialize(manager, DataType.FLOAT32, model.inputShape(1));
      new RecurrentClassifier(model, manager).close();
    }
  }

  /**
   * Trains (or, with {@code resume}, continues the run in {@code runDir}), evaluates the last
   * weights on test once and writes every file of the run directory.
   */
  public Outcome execute(Spec spec, PixelSequences train, PixelSequences test, Path runDir,
      boolean resume) throws IOException {
    ClassifierConfig tc = spec.train();
    // A signal now stops the run at a batch boundary, not the JVM under a running op.
    try (Stop.Training training = Stop.training();
        NDManager manager = NDManager.newBaseManager()) {
      manager.getEngine().setRandomSeed((int) tc.seed());
      SequenceClassifier model = new SequenceClassifier(spec.model(), variants, scan);
      model.initialize(manager, DataType.FLOAT32, model.inputShape(tc.batchSize()));
      BatchClock clock = new BatchClock();
      try (Trainer trainer = new Trainer(new SequenceTask(model, tc, train), tc, manager, log)
          .saveInterval(saveInterval).listen(clock)) {
        listeners.forEach(trainer::listen);
        log.printf(Locale.ROOT, "%s%s: L = %d tokens of %d pixels; %d train / %d test images;"
            + " %,d parameters; token mixer %s, channel mixer %s; scan backend %s%n",
            spec.dataset(), spec.permuted() ? " (permuted)" : "", spec.model().length(),
            spec.model().perToken(), train.size(), test.size(), trainer.parameters(),
            spec.model().variants().tokenMixer(), spec.model().variants().channelMixer(),
            scan.name());
        Trainer.Summary s = trainer.fit(runDir, resume, GSON.toJson(configJson(spec)));
        TrainingTask.Inference inference = trainer.inference();
        Accuracy acc = SequenceTask.evaluate(inference, test, tc.evalBatchSize());
        log.printf(Locale.ROOT, "test top-1 %.4f  top-5 %.4f%n", acc.top1(), acc.top5());
        Outcome out = stream(spec, model, manager, inference, test, acc,
            clock.medianMs(), s);
        writeResults(runDir, spec, out);
        return out;
      }
    }
  }

  /** The outcome, with the streamed evaluation measured when the spec asks for it. */
  private Outcome stream(Spec spec, SequenceClassifier model, NDManager manager,
      TrainingTask.Inference inference, PixelSequences test, Accuracy acc, double batchMs,
      Trainer.Summary s) {
    double streamTop1 = Double.NaN;
    double diff = Double.NaN;
    double forwardMs = Double.NaN;
    double streamMs = Double.NaN;
    if (spec.stream()) {
      int n = Math.min(spec.train().evalBatchSize(), test.size());
      int[] first = SequenceTask.range(0, n);
      long tokens = (long) n * test.length();
      long f0 = System.nanoTime();
      float[] full = SequenceTask.forwardLogits(inference, test, first);
      forwardMs = (System.nanoTime() - f0) / 1e6 / tokens;
      try (RecurrentClassifier stream = new RecurrentClassifier(model, manager)) {
        long s0 = System.nanoTime();
        float[] streamed = SequenceTask.streamedLogits(stream, manager, test, first);
        streamMs = (System.nanoTime() - s0) / 1e6 / tokens;
        diff = 0;
        for (int i = 0; i < full.length; i++) {
          diff = Math.max(diff, Math.abs(full[i] - streamed[i]));
        }
        streamTop1 = SequenceTask.evaluateStreamed(stream, manager, test,
            spec.train().evalBatchSize()).top1();
      }
      log.printf(Locale.ROOT, "stream: test top-1 %.4f (full forward %.4f); max |logit diff| %.2e;"
          + " %.4f ms per token streamed vs %.4f ms per token in the full forward%n", streamTop1,
          acc.top1(), diff, streamMs, forwardMs);
    }
    return new Outcome(acc.top1(), acc.top5(), streamTop1, diff, forwardMs, streamMs, batchMs,
        s.epochs(), s.seconds(), s.peakRssMb(), s.parameters());
  }

  private static void writeResults(Path dir, Spec spec, Outcome o) throws IOException {
    Table table = Table.of("dataset", "permuted", "length", "token_mixer", "channel_mixer",
        "top1", "top5", "stream_top1", "stream_max_abs_diff", "forward_ms_per_token",
        "stream_ms_per_token", "median_batch_ms", "epochs", "seconds", "seconds_per_epoch",
        "peak_rss_mb", "parameters");
    table = table.append(spec.dataset(), spec.permuted(), spec.model().length(),
        spec.model().variants().tokenMixer(), spec.model().variants().channelMixer(), o.top1(),
        o.top5(), o.streamTop1(), o.maxStreamDiff(), o.forwardMsPerToken(), o.streamMsPerToken(),
        Math.round(o.medianBatchMs() * 10) / 10.0, o.epochs(), Math.round(o.seconds() * 10) / 10.0,
        Math.round(o.seconds() / o.epochs() * 10) / 10.0, o.peakRssMb(), o.parameters());
    table.writeCsv(dir.resolve("results.csv"));
    table.writeMarkdown(dir.resolve("results.md"), 4);
  }

  /** The run's config.json. */
  public static JsonObject configJson(Spec spec) {
    JsonObject o = new JsonObject();
    o.addProperty("modality", "sequence");
    o.addProperty("dataset", spec.dataset());
    o.addProperty("data", spec.data());
    o.addProperty("permuted", spec.permuted());
    o.addProperty("permutation_seed", spec.permutationSeed());
    o.addProperty("train_images", spec.trainImages());
    o.addProperty("test_images", spec.testImages());
    o.addProperty("pooling", "mean");
    o.add("model", GSON.toJsonTree(spec.model()));
    o.addProperty("scan", spec.scan());
    o.addProperty("stream", spec.stream());
    o.add("train", GSON.toJsonTree(spec.train()));
    return RunConfig.withProvenance(o, spec.commandLine());
  }

  /** The settings of a run, from its config.json. */
  public static Spec readSpec(Path configJson) throws IOException {
    try {
      return spec(RunConfig.read(configJson, "classify-sequence", "dataset", "data", "model",
          "train"));
    } catch (IllegalArgumentException e) {
      throw new IOException(configJson + " does not hold a valid classify-sequence config: "
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
      RunConfig.require(o, "dataset", "data", "permuted", "permutation_seed", "train_images",
          "test_images", "model", "train", "scan", "stream");
      return new Spec(o.get("dataset").getAsString(), o.get("data").getAsString(),
          o.get("permuted").getAsBoolean(), o.get("permutation_seed").getAsLong(),
          o.get("train_images").getAsInt(), o.get("test_images").getAsInt(),
          GSON.fromJson(o.get("model"), SequenceConfig.class),
          GSON.fromJson(o.get("train"), ClassifierConfig.class), o.get("scan").getAsString(),
          o.get("stream").getAsBoolean(), RunConfig.string(o, "command", ""));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a valid classify-sequence config: "
          + RunConfig.reason(e), e);
    }
  }
}
