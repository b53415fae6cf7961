package org.mambamixer.runtime.train;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.dataset.Batch;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.annotations.SerializedName;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.mambamixer.api.scan.Backprop;
import org.mambamixer.api.scan.Recompute;
import org.mambamixer.runtime.report.AtomicFiles;
import org.mambamixer.runtime.report.Charts;
import org.mambamixer.runtime.report.MetricsLog;
import org.mambamixer.runtime.report.ProcessMemory;
import org.mambamixer.runtime.report.Progress;
import org.mambamixer.runtime.report.RunConfig;
import org.mambamixer.runtime.report.Table;
import org.mambamixer.runtime.train.TrainingListener.Phase;
import org.mambamixer.runtime.train.TrainingTask.Scores;

/**
 * The one training loop of every modality, shaped like DJL's {@code Trainer}: a
 * {@link TrainingTask} supplies the model, batches, loss and validation, a {@link TrainingPlan}
 * the budget, and {@link TrainingListener}s observe. The loop owns the rest of a run and its
 * directory:
 *
 * <pre>
 *   config.json        written before training; a resumed run keeps it, but for its epochs
 *                      where --epochs changed them on resume (recordEpochs)
 *   metrics.csv        one row per validation: epoch, lr, training loss since the last
 *                      validation, the task's validation columns, seconds
 *   batch_loss.csv     the training loss of every batch
 *   checkpoint/last    weights and optimizer state at the last resume point
 *   checkpoint/best    the best validation's weights and optimizer state
 *   checkpoint/best-at-resume   checkpoint/best as of the last resume point
 *   state.json         where the run stands (below)
 *   loss.png           the task's curves
 * </pre>
 *
 * <p>A validation runs every {@link TrainingPlan#valInterval()} batches and at each epoch's end;
 * a resume point is written at every validation and every {@code saveInterval} batches. A
 * validation that does not improve counts towards the plan's patience and, with a plateau decay,
 * goes back to the best checkpoint at a lower rate. Shuffles are the task's, seeded per epoch;
 * the engine's random stream (dropout) is seeded per batch; the optimizer's moments and the loss
 * sums are saved: a killed run resumed from its last resume point gives the numbers of an
 * uninterrupted one, bit for bit. Every file is written atomically.
 */
public final class Trainer implements AutoCloseable {
  // Before the first validation the best score is NaN, which plain JSON cannot hold.
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting()
      .serializeSpecialFloatingPointValues().create();
  private static final List<String> BATCH_COLUMNS = List.of("epoch", "batch", "loss");

  /**
   * Where a run stands at its last resume point.
   *
   * @param epochsDone finished epochs
   * @param batchesDone batches of the next epoch already trained
   * @param bestEpoch the epoch (0-based) of the best validation; -1 before the first
   * @param bestVal the best validation score; NaN before the first
   * @param badChecks validations since the best one
   * @param lrDecays plateau decays so far
   * @param seconds training and validation time so far
   * @param batches training batches so far
   * @param trainSeconds their training time
   * @param lossSum the sum of the losses since the last validation, added in batch order
   * @param lossBatches the batches of that sum
   * @param segmentSeconds their training time
   * @param rows rows of metrics.csv; null in a state written before the field
   */
  record State(int epochsDone, int batchesDone, int bestEpoch, double bestVal,
      @SerializedName(value = "badChecks", alternate = "badEpochs") int badChecks, int lrDecays,
      double seconds, long batches, double trainSeconds,
      @SerializedName(value = "lossSum", alternate = "epochLoss") double lossSum,
      int lossBatches,
      @SerializedName(value = "segmentSeconds", alternate = "epochSeconds") double segmentSeconds,
      Integer rows) {

    static State fresh() {
      return new State(0, 0, -1, Double.NaN, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /**
     * This state with what a state written before the shared loop lacks: the batches of its loss
     * sum (a classify run validated at epoch ends only, so they are the epoch's batches so far)
     * and the rows of its metrics.csv (one per validation).
     */
    State complete(TrainingPlan plan, int batchesPerEpoch) {
      int n = lossBatches == 0 && lossSum != 0 ? batchesDone : lossBatches;
      int vals = plan.valInterval() == 0 ? 1
          : (batchesPerEpoch + plan.valInterval() - 1) / plan.valInterval();
      int r = rows != null ? rows : epochsDone * vals
          + (plan.valInterval() > 0 ? batchesDone / plan.valInterval() : 0);
      return new State(epochsDone, batchesDone, bestEpoch, bestVal, badChecks, lrDecays, seconds,
          batches, trainSeconds, lossSum, n, segmentSeconds, r);
    }

    int epochsBegun() {
      return epochsDone + (batchesDone > 0 ? 1 : 0);
    }

    State trained(int to, int n, double loss, double secs) {
      return new State(epochsDone, to, bestEpoch, bestVal, badChecks, lrDecays, seconds + secs,
          batches + n, trainSeconds + secs, lossSum + loss, lossBatches + n,
          segmentSeconds + secs, rows);
    }
  }

  /**
   * What a finished run measured.
   *
   * @param epochs epochs trained in part or in full
   * @param bestEpoch the best validation's epoch (1-based; 0 when none ran)
   * @param bestScore its score (NaN without a validation set)
   * @param seconds training and validation time
   * @param secondsPerBatch training time per batch
   * @param parameters the model's parameter count
   * @param metrics metrics.csv as written
   */
  public record Summary(int epochs, int bestEpoch, double bestScore, double seconds,
      double secondsPerBatch, long parameters, long peakRssMb, Table metrics) {

    public double secondsPerEpoch() {
      return seconds / Math.max(1, epochs);
    }
  }

  private final TrainingTask task;
  private final TrainingPlan plan;
  private final NDManager manager;
  private final PrintWriter log;
  private final AdamW optimizer;
  private final Model djl;
  private final List<TrainingListener> listeners = new ArrayList<>();
  private ParameterStore ps;
  private int saveInterval;

  /** {@code task}'s model must already be initialised on {@code manager}. */
  public Trainer(TrainingTask task, TrainingPlan plan, NDManager manager, PrintWriter log) {
    this.task = task;
    this.plan = plan;
    this.manager = manager;
    this.log = log;
    this.optimizer = new AdamW(task.model().getParameters(), plan.weightDecay());
    this.djl = Model.newInstance(task.name());
    djl.setBlock(task.model());
    this.ps = new ParameterStore(manager, false);
  }

  /** Adds a listener; listeners hear of events in the order they were added. */
  public Trainer listen(TrainingListener listener) {
    listeners.add(listener);
    return this;
  }

  /** Resume points every {@code batches} training batches besides validations (0: none). */
  public Trainer saveInterval(int batches) {
    if (batches < 0) {
      throw new IllegalArgumentException("saveInterval must be >= 0, got " + batches);
    }
    this.saveInterval = batches;
    return this;
  }

  /** Training batches of one epoch. */
  public int batchesPerEpoch() {
    return plan.batchesPerEpoch(task.trainSize());
  }

  /** The model's parameter count. */
  public long parameters() {
    return task.model().getParameters().stream()
        .mapToLong(p -> p.getValue().getArray().size()).sum();
  }

  /**
   * Trains batches {@code [from, to)} of {@code epoch} at the plan's rates, outside any run
   * directory (what the step profilers time).
   *
   * @return the mean training loss of those batches
   */
  public double train(int epoch, int from, int to) throws IOException {
    Iterator<Batch> data = task.batches(manager, epoch, from);
    double sum = 0;
    for (int b = from; b < to; b++) {
      sum += step(data, epoch, b, batchesPerEpoch(), 0);
    }
    return sum / Math.max(1, to - from);
  }

  /** The model in inference mode with its current weights. */
  public TrainingTask.Inference inference() {
    // A store of its own: loading a checkpoint replaces the arrays the training store cached.
    return TrainingTask.Inference.of(task.model(), manager);
  }

  /** The task's validation of the current weights. */
  public Scores validate() throws IOException {
    return task.validate(inference());
  }

  /** Saves a checkpoint folder (weights, optimizer state, manifest; {@link Checkpoint}). */
  public void save(Path dir, int epoch) throws IOException {
    Checkpoint.save(dir, djl, epoch, optimizer);
  }

  /** Restores a checkpoint folder; {@code withOptimizer} false loads the weights only. */
  public void load(Path dir, boolean withOptimizer) throws IOException {
    Checkpoint.load(dir, djl, withOptimizer ? optimizer : null, manager);
    // The parameter store cached the arrays that loading replaced (and freed).
    ps = new ParameterStore(manager, false);
  }

  /** Loads the mean of the weights of several checkpoints ({@link Checkpoint#loadAverage}). */
  public void loadAverage(List<Path> dirs) throws IOException {
    Checkpoint.loadAverage(dirs, djl, manager);
    ps = new ParameterStore(manager, false);
  }

  /** The model being trained as a DJL {@link Model}. */
  public Model djlModel() {
    return djl;
  }

  @Override
  public void close() {
    djl.close();
  }

  /**
   * Runs the whole budget in {@code runDir}, or what is left of it with {@code resume}, and
   * leaves the best validation's weights loaded.
   *
   * @param configJson the run's config.json, written when the run starts
   */
  public Summary fit(Path runDir, boolean resume, String configJson) throws IOException {
    Files.createDirectories(runDir.resolve("checkpoint"));
    Path statePath = runDir.resolve("state.json");
    if (!resume && Files.exists(statePath)) {
      throw new IOException(runDir + " already holds a run; pass --resume to continue it or"
          + " choose another --run-dir");
    }
    Path configPath = runDir.resolve("config.json");
    if (!resume || !Files.exists(configPath)) {
      AtomicFiles.writeString(configPath, configJson);
    }
    List<String> columns = new ArrayList<>(List.of("epoch", "lr", task.lossColumn()));
    columns.addAll(task.validationColumns());
    columns.add("seconds");
    Path best = runDir.resolve("checkpoint/best");
    // checkpoint/best as of the last resume point: a killed run may have replaced checkpoint/best
    // after it, and a resumed run must start from the one its state speaks of.
    Path bestAtResume = runDir.resolve("checkpoint/best-at-resume");
    Path last = runDir.resolve("checkpoint/last");
    State s = State.fresh();
    MetricsLog metrics;
    MetricsLog batchLog;
    if (resume && Files.exists(statePath)) {
      s = GSON.fromJson(Files.readString(statePath), State.class)
          .complete(plan, batchesPerEpoch());
      recordEpochs(configPath, s);
      load(last, true);
      metrics = MetricsLog.open(runDir.resolve("metrics.csv"), columns);
      metrics.truncate(Math.min(metrics.table().rowCount(), s.rows()));
      batchLog = MetricsLog.open(runDir.resolve("batch_loss.csv"), BATCH_COLUMNS);
      batchLog.truncate((int) Math.min(batchLog.table().rowCount(), s.batches()));
      if (Files.isDirectory(bestAtResume)) {
        copyCheckpoint(bestAtResume, best);
      }
      log.printf(Locale.ROOT, "resuming %s after epoch %d%s (%s)%n", runDir, s.epochsDone(),
          s.batchesDone() > 0 ? String.format(Locale.ROOT, " and %d batches", s.batchesDone())
              : "", s.bestEpoch() < 0 ? "no validation yet"
              : Double.isNaN(s.bestVal()) ? "no validation split: the last epoch is tested"
              : String.format(Locale.ROOT, "best validation %.4f at epoch %d", s.bestVal(),
                  s.bestEpoch() + 1));
    } else {
      metrics = MetricsLog.create(runDir.resolve("metrics.csv"), columns);
      batchLog = MetricsLog.create(runDir.resolve("batch_loss.csv"), BATCH_COLUMNS);
    }
    int batches = batchesPerEpoch();
    Progress progress = new Progress(log, System::nanoTime, Duration.ofSeconds(2), 0.1);
    int epoch = s.epochsDone();
    int from = s.batchesDone();
    boolean spent = false; // plateau decays took the rate below the plan's floor
    while (epoch < plan.epochs() && s.badChecks() < plan.patience() && !spent) {
      progress.startEpoch(epoch + 1, plan.epochs(), batches);
      for (TrainingListener l : listeners) {
        l.onEpochBegin(epoch, plan.epochs(), batches, from);
      }
      Iterator<Batch> data = task.batches(manager, epoch, from);
      while (from < batches && s.badChecks() < plan.patience()) {
        if (plan.lrSpent(epoch, s.lrDecays())) {
          spent = true;
          log.printf(Locale.ROOT, "stopped: %d plateau decays took the learning rate to %.3g,"
              + " below its floor%n", s.lrDecays(), plan.lr(epoch, from, batches, s.lrDecays()));
          break;
        }
        int to = Math.min(next(from, plan.valInterval(), batches),
            next(from, saveInterval, batches));
        long t0 = System.nanoTime();
        double sum = 0;
        // Written once per resume point: the log is rewritten whole, so not once per batch.
        List<List<Object>> losses = new ArrayList<>();
        for (int b = from; b < to; b++) {
          float loss = step(data, epoch, b, batches, s.lrDecays());
          sum += loss;
          losses.add(List.of(epoch + 1, b + 1, loss));
          progress.batch(b + 1, loss);
        }
        s = s.trained(to, to - from, sum, (System.nanoTime() - t0) / 1e9);
        batchLog.appendAll(losses);
        if (to == batches || (plan.valInterval() > 0 && to % plan.valInterval() == 0)) {
          State before = s;
          s = validation(s, epoch, to, batches, metrics, best);
          if (s.lrDecays() > before.lrDecays()) {
            load(best, true); // a plateau: back to the best weights and moments, at a lower rate
          }
          save(last, epoch + 1);
          if (s.badChecks() == 0) {
            copyCheckpoint(best, bestAtResume);
          }
        } else {
          save(last, epoch + 1);
        }
        AtomicFiles.writeString(statePath, GSON.toJson(s));
        from = to;
      }
      epoch++;
      from = 0;
    }
    load(best, false);
    Charts.write(runDir.resolve("loss.png"), Charts.trainingCurves(metrics.table(),
        task.curves().toArray(Charts.Curve[]::new)));
    return new Summary(s.epochsBegun(), s.bestEpoch() + 1, s.bestVal(), s.seconds(),
        s.trainSeconds() / Math.max(1, s.batches()), parameters(), ProcessMemory.peakRssMb(),
        metrics.table());
  }

  /**
   * Where the plan's epochs differ from those the resumed run's config.json records ({@code
   * --epochs} beside {@code --resume}, allowed only where the rate of an epoch does not depend on
   * the total), records the new number there, so the file still starts the run it describes, and
   * the change under {@code epochs_changed}, with the commit that made it.
   */
  private void recordEpochs(Path configPath, State s) throws IOException {
    JsonObject config = GSON.fromJson(Files.readString(configPath), JsonObject.class);
    JsonObject train = config.getAsJsonObject("train");
    if (train == null || !train.has("epochs") || train.get("epochs").getAsInt() == plan.epochs()) {
      return;
    }
    if (plan.epochs() < s.epochsBegun()) {
      // Its best checkpoint may come from an epoch past the new budget.
      throw new IllegalArgumentException("the run has begun " + s.epochsBegun() + " epochs;"
          + " it can be cut to no fewer (asked for " + plan.epochs() + ")");
    }
    JsonObject change = new JsonObject();
    change.addProperty("from", train.get("epochs").getAsInt());
    change.addProperty("to", plan.epochs());
    change.addProperty("commit", RunConfig.commit());
    JsonArray changes = config.has("epochs_changed") ? config.getAsJsonArray("epochs_changed")
        : new JsonArray();
    changes.add(change);
    config.add("epochs_changed", changes);
    train.addProperty("epochs", plan.epochs());
    AtomicFiles.writeString(configPath, GSON.toJson(config));
    log.printf(Locale.ROOT, "the run's budget is now %d epochs (was %d; config.json records it)%n",
        plan.epochs(), change.get("from").getAsInt());
  }

  /**
   * Validates at batch {@code to} of {@code epoch}, writes the best checkpoint and the metrics row;
   * returns the state after it (badChecks 0 when it was the best, one more lrDecay at a plateau).
   */
  private State validation(State s, int epoch, int to, int batches, MetricsLog metrics, Path best)
      throws IOException {
    long v0 = System.nanoTime();
    Scores v = validate();
    double valSecs = (System.nanoTime() - v0) / 1e9;
    boolean better = v == null || Double.isNaN(s.bestVal()) || task.improves(v.score(), s.bestVal());
    if (better) {
      save(best, epoch + 1);
    }
    for (TrainingListener l : listeners) {
      l.onValidation(epoch, to, v);
    }
    double trainLoss = s.lossSum() / Math.max(1, s.lossBatches());
    float lr = plan.lr(epoch, to - s.lossBatches(), batches, s.lrDecays());
    List<Object> row = new ArrayList<>();
    row.add(plan.valInterval() == 0 ? (Object) (epoch + 1)
        : Math.round((epoch + (double) to / batches) * 1000) / 1000.0);
    row.add(lr);
    row.add(trainLoss);
    for (int i = 0; i < task.validationColumns().size(); i++) {
      row.add(v == null ? "" : v.values().get(i));
    }
    double secs = s.segmentSeconds() + valSecs;
    row.add(secs);
    metrics.append(row.toArray());
    boolean decayed = !better && plan.plateauDecay() > 0 && s.badChecks() + 1 < plan.patience();
    boolean epochEnd = to == batches;
    State next = new State(epochEnd ? epoch + 1 : epoch, epochEnd ? 0 : to,
        better ? epoch : s.bestEpoch(), better ? (v == null ? Double.NaN : v.score()) : s.bestVal(),
        better ? 0 : s.badChecks() + 1, s.lrDecays() + (decayed ? 1 : 0),
        s.seconds() + valSecs, s.batches(), s.trainSeconds(), 0, 0, 0, s.rows() + 1);
    log.printf(Locale.ROOT, "epoch %d/%d%s  %s %.4f  %s  %.0fs%s%n", epoch + 1, plan.epochs(),
        epochEnd ? "" : String.format(Locale.ROOT, " batch %d/%d", to, batches), task.lossName(),
        trainLoss, v == null ? "no validation" : v.summary(), secs, better && v != null
            ? "  (best)" : decayed ? String.format(Locale.ROOT, "  (back to the best, lr x %.3g)",
                Math.pow(plan.plateauDecay(), next.lrDecays())) : "");
    return next;
  }

  /** One training step of batch {@code b}; returns its loss. */
  private float step(Iterator<Batch> data, int epoch, int b, int batches, int decays) {
    Stop.check(epoch, b);
    for (TrainingListener l : listeners) {
      l.onBatchBegin(epoch, b);
      l.onPhase(Phase.DATA);
    }
    Batch batch = data.next();
    // The engine's random stream (dropout) is a function of (seed, epoch, batch) alone, so a run
    // resumed at any batch draws the masks an uninterrupted run would have drawn.
    long epochSeed = plan.seed() * 1_000_003L + epoch;
    manager.getEngine().setRandomSeed((int) (epochSeed * 65_537L + b));
    float loss;
    try (batch; NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning(); // frees the step's temporaries, the optimizer's included
      phase(Phase.FORWARD);
      try (Recompute.Mode r = Recompute.enable(plan.recompute());
          GradientCollector gc = manager.getEngine().newGradientCollector()) {
        Backprop.discard();
        NDList out = task.model().forward(ps, batch.getData(), true);
        phase(Phase.LOSS);
        NDArray l = task.loss(out, batch.getLabels());
        loss = l.getFloat();
        if (!Float.isFinite(loss)) {
          throw new IllegalStateException("training diverged: loss " + loss + " at epoch "
              + (epoch + 1) + ", batch " + (b + 1) + "; lower the learning rate");
        }
        phase(Phase.BACKWARD);
        Backprop.backward(l);
      }
      phase(Phase.OPTIMIZER);
      optimizer.step(plan.lr(epoch, b, batches, decays));
    }
    for (TrainingListener l : listeners) {
      l.onBatchEnd(epoch, b, batches, loss);
    }
    return loss;
  }

  private void phase(Phase p) {
    for (TrainingListener l : listeners) {
      l.onPhase(p);
    }
  }

  /** The next multiple of {@code interval} after {@code from}, at most {@code batches}. */
  private static int next(int from, int interval, int batches) {
    return interval <= 0 ? batches : Math.min(batches, (from / interval + 1) * interval);
  }

  private static void copyCheckpoint(Path from, Path to) throws IOException {
    AtomicFiles.writeDirectory(to, fresh -> {
      try (var files = Files.list(from)) {
        for (Path file : (Iterable<Path>) files::iterator) {
          Files.copy(file, fresh.resolve(file.getFileName()));
        }
      }
    });
  }
}
