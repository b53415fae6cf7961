package org.mambamixer.timeseries.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.inject.Guice;
import com.google.inject.Injector;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mambamixer.api.block.BackboneFactory;
import org.mambamixer.api.cli.Command;
import org.mambamixer.api.cli.Flags;
import org.mambamixer.api.cli.UsageException;
import org.mambamixer.api.inject.MixerModule;
import org.mambamixer.api.report.AtomicFiles;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.cuda.inject.ScanBackend;
import org.mambamixer.cuda.inject.ScanBackendModule;
import org.mambamixer.timeseries.data.Scaler;
import org.mambamixer.timeseries.data.Series;
import org.mambamixer.timeseries.data.SeriesCsv;
import org.mambamixer.timeseries.model.Tsm2;
import org.mambamixer.timeseries.model.Tsm2Config;
import org.mambamixer.timeseries.train.Forecaster;
import org.mambamixer.timeseries.train.TrainConfig;

/**
 * {@code ./mambamixer predict}: batch inference with a trained run. Forecasts the horizon after
 * each of the last {@code --origins} windows of a CSV (the last one ends at the file's last row)
 * and writes them on the original scale, one row per (origin, step).
 */
public final class PredictCommand implements Command {
  private static final Flags.Spec FLAGS = new Flags.Spec()
      .option("checkpoint", "DIR", null, "a run directory of ./mambamixer forecast (one horizon)")
      .option("data", "CSV", null, "series to forecast; same columns as the training data")
      .option("origins", "K", "1", "forecast from each of the last K windows")
      .option("output", "CSV", null, "where to write (default: <checkpoint>/predictions.csv)")
      .option("scan", "auto|cpu|cuda|reference", "auto", "selective-scan backend");

  private final PrintStream out;

  public PredictCommand() {
    this.out = System.out;
  }

  @Override
  public String summary() {
    return "forecast with a trained TSM2 run directory and write the forecasts as CSV";
  }

  @Override
  public Flags.Spec flags() {
    return FLAGS;
  }

  @Override
  public int run(Flags f) throws Exception {
    Path dir = Path.of(f.required("checkpoint"));
    Path weights = dir.resolve("checkpoint/best");
    for (Path p : List.of(dir.resolve("config.json"), dir.resolve("scaler.json"), weights)) {
      if (!Files.isRegularFile(p)) {
        throw new UsageException("--checkpoint " + dir + " is not a finished forecast run: "
            + p.getFileName() + " is missing");
      }
    }
    Gson gson = new Gson();
    JsonObject config = gson.fromJson(Files.readString(dir.resolve("config.json")), JsonObject.class);
    Tsm2Config mc = gson.fromJson(config.get("model"), Tsm2Config.class);
    Scaler scaler = gson.fromJson(Files.readString(dir.resolve("scaler.json")), Scaler.class);
    Series s = SeriesCsv.read(Path.of(f.required("data")));
    if (s.variates() != mc.variates()) {
      throw new IllegalArgumentException(s.name() + " has " + s.variates()
          + " variates but the model was trained on " + mc.variates());
    }
    int origins = f.positiveInt("origins");
    int t = mc.lookback();
    int h = mc.horizon();
    int m = mc.variates();
    if (s.rows() < t + origins - 1) {
      throw new IllegalArgumentException(s.name() + " has " + s.rows() + " rows; " + origins
          + " origins need at least lookback + origins - 1 = " + (t + origins - 1));
    }
    float[][] z = scaler.transform(s.values());
    float[] x = new float[origins * t * m];
    for (int k = 0; k < origins; k++) {
      int end = s.rows() - (origins - 1 - k); // exclusive end of window k
      for (int r = 0; r < t; r++) {
        System.arraycopy(z[end - t + r], 0, x, (k * t + r) * m, m);
      }
    }
    ScanBackend backend = ScanBackend.parse(f.required("scan"));
    Injector injector = Guice.createInjector(new MixerModule(), new ScanBackendModule(backend));
    float[] pred;
    try (NDManager manager = NDManager.newBaseManager()) {
      Tsm2 model = new Tsm2(mc, injector.getInstance(BackboneFactory.class),
          injector.getInstance(SelectiveScan.class));
      model.initialize(manager, DataType.FLOAT32, model.inputShapes(1));
      Forecaster forecaster = new Forecaster(model, manager, TrainConfig.quick());
      forecaster.restore(Files.readAllBytes(weights), false);
      pred = forecaster.predict(x, origins, t, m);
    }
    Path output = f.has("output") ? f.path("output") : dir.resolve("predictions.csv");
    AtomicFiles.writeLines(output, rows(s, scaler, pred, origins, h, m));
    out.printf(Locale.ROOT, "wrote %d forecasts of %d steps x %d variates to %s%n", origins, h, m,
        output);
    return 0;
  }

  /** CSV lines: origin timestamp, forecast timestamp, step, then the variates on the raw scale. */
  private static List<String> rows(Series s, Scaler scaler, float[] pred, int origins, int h,
      int m) {
    Duration step = Duration.between(s.time()[s.rows() - 2], s.time()[s.rows() - 1]);
    List<String> lines = new ArrayList<>();
    lines.add("origin," + s.timeColumn() + ",step," + String.join(",", s.columns()));
    for (int k = 0; k < origins; k++) {
      LocalDateTime origin = s.time()[s.rows() - 1 - (origins - 1 - k)];
      for (int j = 0; j < h; j++) {
        StringBuilder sb = new StringBuilder();
        sb.append(origin).append(',').append(origin.plus(step.multipliedBy(j + 1))).append(',')
            .append(j + 1);
        for (int v = 0; v < m; v++) {
          float zv = pred[(k * h + j) * m + v];
          sb.append(',').append(zv * scaler.std()[v] + scaler.mean()[v]);
        }
        lines.add(sb.toString());
      }
    }
    return lines;
  }
}
