package org.mambamixer.timeseries.train;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.annotations.SerializedName;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.XYChart;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.runtime.report.AtomicFiles;
import org.mambamixer.runtime.report.Charts;
import org.mambamixer.runtime.report.MetricsLog;
import org.mambamixer.runtime.report.ProcessMemory;
import org.mambamixer.runtime.report.Progress;
import org.mambamixer.runtime.report.RunConfig;
import org.mambamixer.runtime.report.Table;
import org.mambamixer.runtime.train.Stop;
import org.mambamixer.timeseries.data.WindowSource;
import org.mambamixer.timeseries.model.ForecastCatalog;
import org.mambamixer.timeseries.model.ForecastModel;
import org.mambamixer.timeseries.model.Tsm2Config;

/**
 * One training run of TSM2 with its run directory:
 *
 * <pre>
 *   config.json        model, training and data settings, backend, seed
 *   metrics.csv        one row per validation (each epoch, or every valInterval batches):
 *                      lr, train and validation MSE/MAE, seconds
 *   checkpoint/last    weights and optimizer state at the last validation (for --resume)
 *   checkpoint/best    weights and optimizer state of the best validation (what the test uses)
 *   checkpoint/best-at-resume   checkpoint/best as of the last validation (for --resume)
 *   state.json         progress of the run (epoch and batch of the last validation, best epoch,
 *                      validations without improvement, learning-rate decays)
 *   results.csv        dataset,lookback,horizon,mse,mae,epochs,seconds (+ details)
 *   horizon_mse.csv    test MSE of every horizon step
 *   loss.png           training and validation curves; forecast.png: four test windows
 * </pre>
 *
 * Every file is written atomically. Every validation is a resume point: a killed run continues
 * from its last validation (inside an epoch when validation runs every valInterval batches) and
 * gives the same numbers as an uninterrupted one (seeded shuffles and dropout masks, saved
 * optimizer moments).
 */
public final class ForecastRun {
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();
  private static final List<String> METRIC_COLUMNS =
      List.of("epoch", "lr", "train_mse", "val_mse", "val_mae", "seconds");

  /**
   * What to run.
   *
   * @param dataset a name for tables (e.g. ETTh1, or a file name)
   * @param model the model's shape
   * @param train the training budget
   * @param data where the data came from (recorded in config.json)
   * @param valEvery validation used every k-th window (recorded in config.json)
   * @param scan the registered name of the scan backend asked for (recorded in config.json)
   * @param commandLine the command that started the run
   * @param dataSha256 SHA-256 of the data file, so a rerun can tell it has the same data
   * @param architecture the forecaster's registered name ({@code --model}, e.g. tsm2)
   */
  public record Spec(String dataset, Tsm2Config model, TrainConfig train, String data,
      int valEvery, String scan, String commandLine, String dataSha256, String architecture) {}

  /** What a run measured. */
  public record Outcome(String dataset, int lookback, int horizon, double mse, double mae,
      double valMse, int epochs, int bestEpoch, double seconds, double secondsPerEpoch,
      long peakRssMb, long parameters, Path runDir) {}

  /**
   * @param epochsDone finished epochs
   * @param batchesDone batches of the next epoch already trained (a validation inside it; 0 at an
   *     epoch's start)
   * @param badChecks validations since the best one (named for the epochs it once counted)
   * @param lrDecays plateaus so far: the learning rate is the schedule's x plateauDecay^lrDecays
   */
  private record State(int epochsDone, int batchesDone, int bestEpoch, double bestVal,
      @SerializedName("badEpochs") int badChecks, double seconds, int lrDecays) {

    /** Epochs trained in part or in full. */
    int epochsBegun() {
      return epochsDone + (batchesDone > 0 ? 1 : 0);
    }
  }

  private final ForecastCatalog catalog;
  private final SelectiveScan scan;
  private final PrintWriter log;
  private final Forecaster.BatchListener observer;

  public ForecastRun(ForecastCatalog catalog, SelectiveScan scan, PrintWriter log) {
    this(catalog, scan, log, (b, n, loss) -> { });
  }

  /** With an observer of every training batch (after the progress line). */
  public ForecastRun(ForecastCatalog catalog, SelectiveScan scan, PrintWriter log,
      Forecaster.BatchListener observer) {
    this.catalog = catalog;
    this.scan = scan;
    this.log = log;
    this.observer = observer;
  }

  /** Trains with early stopping, restores the best epoch, evaluates on test, writes everything. */
  public Outcome execute(Spec spec, WindowSource train, WindowSource val, WindowSource test,
      Path runDir, boolean resume) throws IOException {
    Files.createDirectories(runDir.resolve("checkpoint"));
    Tsm2Config mc = spec.model();
    TrainConfig tc = spec.train();
    Path statePath = runDir.resolve("state.json");
    if (!resume && Files.exists(statePath)) {
      throw new IOException(runDir + " already holds a run; pass --resume to continue it or"
          + " choose another --run-dir");
    }
    if (!resume || !Files.exists(runDir.resolve("config.json"))) {
      // Written once, before training: a resumed run keeps the config it was started with.
      AtomicFiles.writeString(runDir.resolve("config.json"), configJson(spec));
    }
    // A signal now stops the run at a batch boundary, not the JVM under a running op.
    try (Stop.Training training = Stop.training();
        NDManager manager = NDManager.newBaseManager()) {
      manager.getEngine().setRandomSeed((int) tc.seed());
      ForecastModel model =
          catalog.model(spec.architecture()).create(mc, catalog.variants(), scan);
      model.initialize(manager, DataType.FLOAT32, model.inputShapes(tc.batchSize()));
      long params = model.getParameters().stream()
          .mapToLong(p -> p.getValue().getArray().size()).sum();
      try (Forecaster f = new Forecaster(model, manager, tc)) {
        return train(spec, f, model, params, train, val, test, runDir, resume);
      }
    }
  }

  private Outcome train(Spec spec, Forecaster f, ForecastModel model, long params, WindowSource train,
      WindowSource val, WindowSource test, Path runDir, boolean resume) throws IOException {
    Tsm2Config mc = spec.model();
    TrainConfig tc = spec.train();
    Path statePath = runDir.resolve("state.json");
    State state = new State(0, 0, -1, Double.POSITIVE_INFINITY, 0, 0, 0);
    MetricsLog metrics;
    if (resume && Files.exists(statePath)) {
      state = GSON.fromJson(Files.readString(statePath), State.class);
      f.load(runDir.resolve("checkpoint/last"), true);
      metrics = MetricsLog.open(runDir.resolve("metrics.csv"), METRIC_COLUMNS);
      // One row per validation up to the resume point; an epoch that stopped early has fewer.
      int rows = state.epochsDone() * tc.validationsPerEpoch(f.batchesPerEpoch(train.windows()))
          + (tc.valInterval() > 0 ? state.batchesDone() / tc.valInterval() : 0);
      metrics.truncate(Math.min(metrics.table().rowCount(), rows));
      log.printf(Locale.ROOT, "resuming %s after epoch %d%s (best val MSE %.4f at epoch %d)%n",
          runDir, state.epochsDone(), state.batchesDone() > 0
              ? String.format(Locale.ROOT, " and %d batches", state.batchesDone()) : "",
          state.bestVal(), state.bestEpoch() + 1);
    } else {
      metrics = MetricsLog.create(runDir.resolve("metrics.csv"), METRIC_COLUMNS);
    }
    log.printf(Locale.ROOT, "%s: lookback %d, horizon %d, %d variates; %d train / %d val / %d"
        + " test windows; %,d parameters; scan backend %s%n", spec.dataset(), mc.lookback(),
        mc.horizon(), mc.variates(), train.windows(), val.windows(), test.windows(), params, scan.name());
    Progress progress = new Progress(log, System::nanoTime, java.time.Duration.ofSeconds(2), 0.1);
    Path best = runDir.resolve("checkpoint/best");
    // The best checkpoint as of the last resume point: what a resumed run must start from, as the
    // killed run may have replaced checkpoint/best after it.
    Path bestAtResume = runDir.resolve("checkpoint/best-at-resume");
    if (resume && Files.isDirectory(bestAtResume)) {
      copyCheckpoint(bestAtResume, best);
    }
    int batches = f.batchesPerEpoch(train.windows());
    int epoch = state.epochsDone();
    int from = state.batchesDone();
    boolean spent = false; // plateau decays took the rate below --stop-lr
    while (epoch < tc.epochs() && state.badChecks() < tc.patience() && !spent) {
      progress.startEpoch(epoch + 1, tc.epochs(), batches);
      // Validation after every valInterval batches and at the end of the epoch; each is a resume
      // point.
      while (from < batches && state.badChecks() < tc.patience()) {
        if (tc.lrSpent(epoch, state.lrDecays())) {
          spent = true;
          log.printf(Locale.ROOT, "stopped: %d plateau decays took the learning rate to %.3g,"
              + " below --stop-lr %.3g%n", state.lrDecays(), tc.lrAt(epoch, state.lrDecays()),
              tc.stopLr());
          break;
        }
        long t0 = System.nanoTime();
        int to = tc.valInterval() == 0 ? batches : Math.min(batches, from + tc.valInterval());
        float lr = (float) tc.lrAt(epoch, state.lrDecays());
        double trainMse = f.trainBatches(train, epoch, from, to, lr, (b, n, loss) -> {
          progress.batch(b + 1, loss);
          observer.batch(b, n, loss);
        });
        Metrics v = f.evaluate(val);
        double secs = (System.nanoTime() - t0) / 1e9;
        boolean better = tc.improves(v.mse(), state.bestVal());
        if (better) {
          f.save(best, epoch + 1);
        }
        double at = epoch + (double) to / batches; // epochs trained, as a continuous axis
        metrics.append(tc.valInterval() == 0 ? (Object) (epoch + 1) : Math.round(at * 1000) / 1000.0,
            lr, trainMse, v.mse(), v.mae(), secs);
        boolean decay = !better && tc.plateauDecay() > 0 && state.badChecks() + 1 < tc.patience();
        boolean epochEnd = to == batches;
        state = new State(epochEnd ? epoch + 1 : epoch, epochEnd ? 0 : to,
            better ? epoch : state.bestEpoch(), better ? v.mse() : state.bestVal(),
            better ? 0 : state.badChecks() + 1, state.seconds() + secs,
            state.lrDecays() + (decay ? 1 : 0));
        String where = to == batches ? "" : String.format(Locale.ROOT, " batch %d/%d", to, batches);
        log.printf(Locale.ROOT, "epoch %d/%d%s  train MSE %.4f  val MSE %.4f  val MAE %.4f  %.0fs%s%n",
            epoch + 1, tc.epochs(), where, trainMse, v.mse(), v.mae(), secs, better ? "  (best)"
                : decay ? String.format(Locale.ROOT, "  (back to the best, lr x %.3g)",
                    Math.pow(tc.plateauDecay(), state.lrDecays())) : "");
        if (decay) {
          f.load(best, true);
        }
        f.save(runDir.resolve("checkpoint/last"), epoch + 1);
        if (better) {
          copyCheckpoint(best, bestAtResume);
        }
        AtomicFiles.writeString(statePath, GSON.toJson(state));
        from = to;
      }
      epoch++;
      from = 0;
    }
    f.load(runDir.resolve("checkpoint/best"), false);
    Metrics t = f.evaluate(test);
    Outcome out = new Outcome(spec.dataset(), mc.lookback(), mc.horizon(), t.mse(), t.mae(),
        state.bestVal(), state.epochsBegun(), state.bestEpoch() + 1, state.seconds(),
        state.seconds() / Math.max(1, state.epochsBegun()), ProcessMemory.peakRssMb(), params, runDir);
    writeResults(runDir, List.of(out));
    writeStepMse(runDir, t);
    Charts.write(runDir.resolve("loss.png"), Charts.trainingCurves(metrics.table(),
        new Charts.Curve("train", "train_mse", "MSE (normalised)"),
        new Charts.Curve("validation", "val_mse", "MSE (normalised)")));
    plotForecasts(runDir, f, test, mc);
    log.printf(Locale.ROOT, "%s H=%d: test MSE %.4f  MAE %.4f  (best epoch %d of %d, %.0fs)%n",
        spec.dataset(), mc.horizon(), t.mse(), t.mae(), out.bestEpoch(), out.epochs(),
        out.seconds());
    return out;
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

  /** The results table of the format (plus details), written atomically. */
  public static void writeResults(Path dir, List<Outcome> outcomes) throws IOException {
    Table table = Table.of("dataset", "lookback", "horizon", "mse", "mae", "epochs", "seconds",
        "val_mse", "best_epoch", "seconds_per_epoch", "peak_rss_mb", "parameters");
    for (Outcome o : outcomes) {
      table = table.append(o.dataset(), o.lookback(), o.horizon(), o.mse(), o.mae(), o.epochs(),
          Math.round(o.seconds() * 10) / 10.0, o.valMse(), o.bestEpoch(),
          Math.round(o.secondsPerEpoch() * 10) / 10.0, o.peakRssMb(), o.parameters());
    }
    table.writeCsv(dir.resolve("results.csv"));
    table.writeMarkdown(dir.resolve("results.md"), 4);
  }

  private static void writeStepMse(Path dir, Metrics t) throws IOException {
    Table table = Table.of("step", "mse");
    double[] steps = t.stepMse();
    for (int h = 0; h < steps.length; h++) {
      table = table.append(h + 1, steps[h]);
    }
    table.writeCsv(dir.resolve("horizon_mse.csv"));
  }

  /** Four test windows spread over the split, last variate (OT in ETT): history, truth, forecast. */
  private static void plotForecasts(Path dir, Forecaster f, WindowSource test, Tsm2Config mc)
      throws IOException {
    int t = test.lookback();
    int h = test.horizon();
    int m = test.variates();
    int shown = Math.min(t, 2 * h);
    List<XYChart> plots = new ArrayList<>();
    for (int k = 0; k < 4 && test.windows() > 0; k++) {
      int i = (int) ((long) k * (test.windows() - 1) / 3);
      float[] x = new float[t * m];
      float[] y = new float[h * m];
      test.fill(i, x, 0, y, 0);
      float[] p = f.predict(x, 1, t, m);
      double[] histX = new double[shown];
      double[] hist = new double[shown];
      for (int s = 0; s < shown; s++) {
        histX[s] = s - shown;
        hist[s] = x[(t - shown + s) * m + m - 1];
      }
      double[] futX = new double[h];
      double[] truth = new double[h];
      double[] pred = new double[h];
      for (int s = 0; s < h; s++) {
        futX[s] = s;
        truth[s] = y[s * m + m - 1];
        pred[s] = p[s * m + m - 1];
      }
      XYChart chart = Charts.line("test window " + i, "step", "value (normalised)");
      Charts.series(chart, "history", histX, hist);
      Charts.series(chart, "truth", futX, truth);
      Charts.series(chart, "forecast", futX, pred);
      plots.add(chart);
    }
    Charts.writeGrid(dir.resolve("forecast.png"),
        "TSM2 forecasts, last variate, H=" + mc.horizon(), 2, plots);
  }

  private static String configJson(Spec spec) {
    JsonObject o = new JsonObject();
    o.addProperty("architecture", spec.architecture());
    o.addProperty("dataset", spec.dataset());
    o.addProperty("data", spec.data());
    o.addProperty("data_sha256", spec.dataSha256());
    o.addProperty("val_every", spec.valEvery());
    o.add("model", GSON.toJsonTree(spec.model()));
    o.addProperty("scan", spec.scan());
    o.add("train", GSON.toJsonTree(spec.train()));
    return GSON.toJson(RunConfig.withProvenance(o, spec.commandLine()));
  }

  /** The settings of a run, from its config.json. */
  public static Spec readSpec(Path configJson) throws IOException {
    JsonObject o = RunConfig.read(configJson, "forecast", "model", "train", "data");
    return new Spec(o.get("dataset").getAsString(), GSON.fromJson(o.get("model"), Tsm2Config.class),
        GSON.fromJson(o.get("train"), TrainConfig.class), o.get("data").getAsString(),
        o.has("val_every") ? o.get("val_every").getAsInt() : 1,
        RunConfig.string(o, "scan", "auto"), RunConfig.string(o, "command", ""),
        RunConfig.string(o, "data_sha256", ""), RunConfig.string(o, "architecture", "tsm2"));
  }


}
