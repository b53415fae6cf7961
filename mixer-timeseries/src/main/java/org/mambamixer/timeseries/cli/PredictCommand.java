package org.mambamixer.timeseries.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.Gson;
import com.google.gson.JsonObject;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.runtime.cli.LauncherCommand;
import org.mambamixer.runtime.cli.ScanOption;
import org.mambamixer.runtime.report.AtomicFiles;
import org.mambamixer.timeseries.data.Scaler;
import org.mambamixer.timeseries.data.Series;
import org.mambamixer.timeseries.data.SeriesCsv;
import org.mambamixer.timeseries.model.Tsm2;
import org.mambamixer.timeseries.model.Tsm2Config;
import org.mambamixer.timeseries.train.Forecaster;
import org.mambamixer.timeseries.train.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./mambamixer predict}: batch inference with a trained run. Forecasts the horizon after
 * each of the last {@code --origins} windows of a CSV (the last one ends at the file's last row)
 * and writes them on the original scale, one row per (origin, step).
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
    description = "forecast with a trained TSM2 run directory and write the forecasts as CSV")
public final class PredictCommand implements LauncherCommand {
  @Option(names = "--checkpoint", paramLabel = "DIR", required = true,
      description = "a run directory of ./mambamixer forecast (one horizon, e.g. runs/.../H96)")
  Path dir;

  @Option(names = "--data", paramLabel = "CSV", required = true,
      description = "series to forecast; same columns as the training data")
  Path data;

  @Option(names = "--origins", paramLabel = "K", defaultValue = "1",
      description = "forecast from each of the last K windows (default ${DEFAULT-VALUE})")
  int origins;

  @Option(names = "--output", paramLabel = "CSV",
      description = "where to write (default: <checkpoint>/predictions.csv)")
  Path output;

  @Mixin ScanOption scanOption;

  @Spec CommandSpec spec;

  private final Variants variants;

  @Inject
  public PredictCommand(Variants variants) {
    this.variants = variants;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (origins <= 0) {
      throw new ParameterException(spec.commandLine(), "--origins must be positive, got " + origins);
    }
    Path weights = dir.resolve("checkpoint/best");
    for (Path p : List.of(dir.resolve("config.json"), dir.resolve("scaler.json"), weights)) {
      if (!Files.isRegularFile(p)) {
        throw new ParameterException(spec.commandLine(), "--checkpoint " + dir
            + " is not a finished forecast run: " + p.getFileName() + " is missing");
      }
    }
    Gson gson = new Gson();
    JsonObject config = gson.fromJson(Files.readString(dir.resolve("config.json")), JsonObject.class);
    Tsm2Config mc = gson.fromJson(config.get("model"), Tsm2Config.class);
    Scaler scaler = gson.fromJson(Files.readString(dir.resolve("scaler.json")), Scaler.class);
    Series s = SeriesCsv.read(data);
    if (s.variates() != mc.variates()) {
      throw new IllegalArgumentException(s.name() + " has " + s.variates()
          + " variates but the model was trained on " + mc.variates());
    }
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
    float[] pred;
    try (NDManager manager = NDManager.newBaseManager()) {
      Tsm2 model = new Tsm2(mc, variants, variants.scan(scanOption.name()));
      model.initialize(manager, DataType.FLOAT32, model.inputShapes(1));
      Forecaster forecaster = new Forecaster(model, manager, TrainConfig.quick());
      forecaster.restore(Files.readAllBytes(weights), false);
      pred = forecaster.predict(x, origins, t, m);
    }
    Path target = output != null ? output : dir.resolve("predictions.csv");
    AtomicFiles.writeLines(target, rows(s, scaler, pred, origins, h, m));
    out.printf(Locale.ROOT, "wrote %d forecasts of %d steps x %d variates to %s%n", origins, h, m,
        target);
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
