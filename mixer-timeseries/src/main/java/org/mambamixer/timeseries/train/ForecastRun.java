package org.mambamixer.timeseries.train;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.XYChart;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.runtime.report.Charts;
import org.mambamixer.runtime.report.RunConfig;
import org.mambamixer.runtime.report.Table;
import org.mambamixer.runtime.train.InitialWeights;
import org.mambamixer.runtime.train.Stop;
import org.mambamixer.runtime.train.Trainer;
import org.mambamixer.runtime.train.TrainingListener;
import org.mambamixer.runtime.train.TrainingTask;
import org.mambamixer.timeseries.data.WindowSource;
import org.mambamixer.timeseries.model.ForecastCatalog;
import org.mambamixer.timeseries.model.ForecastModel;
import org.mambamixer.timeseries.model.Tsm2Config;

/**
 * One training run of TSM2: the training loop ({@link Trainer}) writes the run directory's
 * config.json, metrics.csv, batch_loss.csv, checkpoints, state.json and loss.png, and resumes
 * bit for bit; this class adds the test of the best checkpoint:
 *
 * <pre>
 *   results.csv        dataset,lookback,horizon,mse,mae,epochs,seconds (+ details)
 *   horizon_mse.csv    test MSE of every horizon step
 *   forecast.png       four test windows
 * </pre>
 */
public final class ForecastRun {
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

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
   * @param init the checkpoint whose weights the run starts from instead of a seeded
   *     initialisation ({@code --init-from}; null: none)
   */
  public record Spec(String dataset, Tsm2Config model, TrainConfig train, String data,
      int valEvery, String scan, String commandLine, String dataSha256, String architecture,
      InitialWeights init) {

    /** Without initial weights. */
    public Spec(String dataset, Tsm2Config model, TrainConfig train, String data, int valEvery,
        String scan, String commandLine, String dataSha256, String architecture) {
      this(dataset, model, train, data, valEvery, scan, commandLine, dataSha256, architecture,
          null);
    }

    /** The same run with {@code t} as its training budget. */
    public Spec withTrain(TrainConfig t) {
      return new Spec(dataset, model, t, data, valEvery, scan, commandLine, dataSha256,
          architecture, init);
    }

    /** The same run recorded as started by {@code line}. */
    public Spec withCommandLine(String line) {
      return new Spec(dataset, model, train, data, valEvery, scan, line, dataSha256,
          architecture, init);
    }
  }

  /** What a run measured. */
  public record Outcome(String dataset, int lookback, int horizon, double mse, double mae,
      double valMse, int epochs, int bestEpoch, double seconds, double secondsPerEpoch,
      long peakRssMb, long parameters, Path runDir) {}

  private final ForecastCatalog catalog;
  private final SelectiveScan scan;
  private final PrintWriter log;
  private final int saveInterval;
  private final List<TrainingListener> listeners;

  /**
   * With listeners of the training loop (progress lines come from the loop itself).
   *
   * @param saveInterval batches between resume points besides validations (0: none)
   */
  public ForecastRun(ForecastCatalog catalog, SelectiveScan scan, PrintWriter log,
      int saveInterval, TrainingListener... listeners) {
    this.catalog = catalog;
    this.scan = scan;
    this.log = log;
    this.saveInterval = saveInterval;
    this.listeners = List.of(listeners);
  }

  /** Trains with early stopping, restores the best epoch, evaluates on test, writes everything. */
  public Outcome execute(Spec spec, WindowSource train, WindowSource val, WindowSource test,
      Path runDir, boolean resume) throws IOException {
    Tsm2Config mc = spec.model();
    TrainConfig tc = spec.train();
    // A signal now stops the run at a batch boundary, not the JVM under a running op.
    try (Stop.Training training = Stop.training();
        NDManager manager = NDManager.newBaseManager()) {
      manager.getEngine().setRandomSeed((int) tc.seed());
      ForecastModel model =
          catalog.model(spec.architecture()).create(mc, catalog.variants(), scan);
      model.initialize(manager, DataType.FLOAT32, model.inputShapes(tc.batchSize()));
      try (Trainer trainer = new Trainer(new Forecaster(model, tc, train, val), tc, manager, log)
          .saveInterval(saveInterval)) {
        listeners.forEach(trainer::listen);
        log.printf(Locale.ROOT, "%s: lookback %d, horizon %d, %d variates; %d train / %d val / %d"
            + " test windows; %,d parameters; scan backend %s%n", spec.dataset(), mc.lookback(),
            mc.horizon(), mc.variates(), train.windows(), val.windows(), test.windows(),
            trainer.parameters(), scan.name());
        if (spec.init() != null && spec.init().loadInto(trainer, runDir, resume)) {
          log.printf(Locale.ROOT, "starting from the weights of %s%n", spec.init().checkpoint());
        }
        Trainer.Summary s = trainer.fit(runDir, resume, GSON.toJson(configJson(spec)));
        Metrics t = Forecaster.evaluate(trainer.inference(), test, tc.evalBatchSize());
        Outcome out = new Outcome(spec.dataset(), mc.lookback(), mc.horizon(), t.mse(), t.mae(),
            s.bestScore(), s.epochs(), s.bestEpoch(), s.seconds(), s.secondsPerEpoch(),
            s.peakRssMb(), s.parameters(), runDir);
        writeResults(runDir, List.of(out));
        writeStepMse(runDir, t);
        plotForecasts(runDir, trainer.inference(), test, mc);
        log.printf(Locale.ROOT, "%s H=%d: test MSE %.4f  MAE %.4f  (best epoch %d of %d, %.0fs)%n",
            spec.dataset(), mc.horizon(), t.mse(), t.mae(), out.bestEpoch(), out.epochs(),
            out.seconds());
        return out;
      }
    }
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
  private static void plotForecasts(Path dir, TrainingTask.Inference f, WindowSource test,
      Tsm2Config mc)
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
      float[] p = Forecaster.predict(f, x, 1, t, m);
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

  /** The run's config.json. */
  public static JsonObject configJson(Spec spec) {
    JsonObject o = new JsonObject();
    o.addProperty("architecture", spec.architecture());
    o.addProperty("dataset", spec.dataset());
    o.addProperty("data", spec.data());
    o.addProperty("data_sha256", spec.dataSha256());
    o.addProperty("val_every", spec.valEvery());
    o.add("model", GSON.toJsonTree(spec.model()));
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
      return spec(RunConfig.read(configJson, "forecast", "model", "train", "data"));
    } catch (IllegalArgumentException e) {
      throw new IOException(configJson + " does not hold a valid forecast config: "
          + e.getMessage(), e);
    }
  }

  /**
   * The settings a config.json holds; fields written after a run's time read as that run
   * trained.
   *
   * @throws IllegalArgumentException naming what is missing or invalid
   */
  public static Spec spec(JsonObject o) {
    RunConfig.require(o, "dataset", "model", "train", "data");
    try {
      return new Spec(o.get("dataset").getAsString(),
          GSON.fromJson(o.get("model"), Tsm2Config.class),
          GSON.fromJson(o.get("train"), TrainConfig.class), o.get("data").getAsString(),
          o.has("val_every") ? o.get("val_every").getAsInt() : 1,
          RunConfig.string(o, "scan", "auto"), RunConfig.string(o, "command", ""),
          RunConfig.string(o, "data_sha256", ""), RunConfig.string(o, "architecture", "tsm2"),
          o.has("init") ? GSON.fromJson(o.get("init"), InitialWeights.class) : null);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(RunConfig.reason(e), e);
    }
  }


}
