package org.mambamixer.sequence.train;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.api.scan.ReferenceScan;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.runtime.report.AtomicFiles;
import org.mambamixer.runtime.report.Charts;
import org.mambamixer.runtime.report.MetricsLog;
import org.mambamixer.runtime.report.ProcessMemory;
import org.mambamixer.runtime.report.Progress;
import org.mambamixer.runtime.report.RunConfig;
import org.mambamixer.runtime.report.Table;
import org.mambamixer.runtime.train.Accuracy;
import org.mambamixer.runtime.train.ClassifierConfig;
import org.mambamixer.runtime.train.Stop;
import org.mambamixer.sequence.data.PixelSequences;
import org.mambamixer.sequence.model.SequenceClassifier;
import org.mambamixer.sequence.model.SequenceConfig;
import org.mambamixer.sequence.stream.RecurrentClassifier;

/**
 * One training run of a sequence classifier with its run directory:
 *
 * <pre>
 *   config.json        data, order (permutation seed), model, variants, scan, training, command
 *   metrics.csv        per epoch: lr (of its first batch), train loss, median training batch
 *                      time (free of the first batches' warm-up), test top-1 / top-5 (full
 *                      forward), seconds
 *   checkpoint/last    weights and optimizer state after the last epoch
 *   results.csv        test accuracy, and with --stream the streamed accuracy, the largest
 *                      |logit| difference stream vs forward and the time per token of each
 *   loss.png           training loss and test top-1 per epoch
 * </pre>
 */
public final class SequenceRun {
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();
  private static final List<String> METRIC_COLUMNS =
      List.of("epoch", "lr", "train_loss", "median_batch_ms", "test_top1", "test_top5", "seconds");

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
      String scan, boolean stream, String commandLine) {}

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

  public SequenceRun(Variants variants, SelectiveScan scan, PrintWriter log) {
    this.variants = variants;
    this.scan = scan;
    this.log = log;
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

  /** Trains, evaluates and writes every file of the run directory. */
  public Outcome execute(Spec spec, PixelSequences train, PixelSequences test, Path runDir)
      throws IOException {
    if (Files.exists(runDir.resolve("config.json"))) {
      throw new IOException(runDir + " already holds a run; choose another --run-dir");
    }
    Files.createDirectories(runDir);
    AtomicFiles.writeString(runDir.resolve("config.json"), configJson(spec));
    ClassifierConfig tc = spec.train();
    // A signal now stops the run at a batch boundary, not the JVM under a running op.
    try (Stop.Training training = Stop.training();
        NDManager manager = NDManager.newBaseManager()) {
      manager.getEngine().setRandomSeed((int) tc.seed());
      SequenceClassifier model = new SequenceClassifier(spec.model(), variants, scan);
      model.initialize(manager, DataType.FLOAT32, model.inputShape(tc.batchSize()));
      long params = model.getParameters().stream()
          .mapToLong(p -> p.getValue().getArray().size()).sum();
      log.printf(Locale.ROOT, "%s%s: L = %d tokens of %d pixels; %d train / %d test images;"
          + " %,d parameters; token mixer %s, channel mixer %s; scan backend %s%n",
          spec.dataset(), spec.permuted() ? " (permuted)" : "", spec.model().length(),
          spec.model().perToken(), train.size(), test.size(), params,
          spec.model().variants().tokenMixer(), spec.model().variants().channelMixer(),
          scan.name());
      try (SequenceTrainer trainer = new SequenceTrainer(model, manager, tc)) {
        return train(spec, trainer, params, train, test, runDir, manager);
      }
    }
  }

  private Outcome train(Spec spec, SequenceTrainer trainer, long params, PixelSequences train,
      PixelSequences test, Path runDir, NDManager manager) throws IOException {
    ClassifierConfig tc = spec.train();
    MetricsLog metrics = MetricsLog.create(runDir.resolve("metrics.csv"), METRIC_COLUMNS);
    Progress progress = new Progress(log, System::nanoTime, Duration.ofSeconds(2), 0.1);
    double total = 0;
    double batchMs = Double.NaN;
    Accuracy acc = null;
    for (int epoch = 0; epoch < tc.epochs(); epoch++) {
      long t0 = System.nanoTime();
      progress.startEpoch(epoch + 1, tc.epochs(), trainer.batchesPerEpoch(train.size()));
      BatchClock clock = new BatchClock();
      double loss = trainer.trainEpoch(train, epoch, (b, n, l) -> {
        clock.tick();
        progress.batch(b + 1, l);
      });
      batchMs = clock.medianMs();
      acc = trainer.evaluate(test);
      double secs = (System.nanoTime() - t0) / 1e9;
      total += secs;
      trainer.save(runDir.resolve("checkpoint/last"), epoch + 1);
      metrics.append(epoch + 1, tc.schedule().at(epoch, 0, trainer.batchesPerEpoch(train.size())),
          loss, batchMs, acc.top1(), acc.top5(), secs);
      log.printf(Locale.ROOT, "epoch %d/%d  train loss %.4f  test top-1 %.4f  top-5 %.4f  %.0fs%n",
          epoch + 1, tc.epochs(), loss, acc.top1(), acc.top5(), secs);
    }
    double streamTop1 = Double.NaN;
    double diff = Double.NaN;
    double forwardMs = Double.NaN;
    double streamMs = Double.NaN;
    if (spec.stream()) {
      int n = Math.min(tc.evalBatchSize(), test.size());
      int[] first = new int[n];
      for (int i = 0; i < n; i++) {
        first[i] = i;
      }
      float[] x = test.batch(first);
      long tokens = (long) n * test.length();
      long f0 = System.nanoTime();
      float[] full = trainer.forwardLogits(x, n);
      forwardMs = (System.nanoTime() - f0) / 1e6 / tokens;
      try (RecurrentClassifier stream = new RecurrentClassifier(trainer.model(), manager)) {
        long s0 = System.nanoTime();
        float[] streamed = trainer.streamedLogits(stream, x, n);
        streamMs = (System.nanoTime() - s0) / 1e6 / tokens;
        diff = 0;
        for (int i = 0; i < full.length; i++) {
          diff = Math.max(diff, Math.abs(full[i] - streamed[i]));
        }
      }
      streamTop1 = trainer.evaluateStreamed(test).top1();
      log.printf(Locale.ROOT, "stream: test top-1 %.4f (full forward %.4f); max |logit diff| %.2e;"
          + " %.4f ms per token streamed vs %.4f ms per token in the full forward%n", streamTop1,
          acc.top1(), diff, streamMs, forwardMs);
    }
    Outcome out = new Outcome(acc.top1(), acc.top5(), streamTop1, diff, forwardMs, streamMs,
        batchMs, tc.epochs(), total, ProcessMemory.peakRssMb(), params);
    writeResults(runDir, spec, out);
    Charts.write(runDir.resolve("loss.png"), Charts.trainingCurves(metrics.table(),
        new Charts.Curve("train", "train_loss", "cross-entropy (label-smoothed)"),
        new Charts.Curve("test top-1", "test_top1", "top-1")));
    return out;
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

  private static String configJson(Spec spec) {
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
    return GSON.toJson(RunConfig.withProvenance(o, spec.commandLine()));
  }

}
