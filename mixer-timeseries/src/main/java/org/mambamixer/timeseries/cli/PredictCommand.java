package org.mambamixer.timeseries.cli;

import ai.djl.inference.Predictor;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mambamixer.runtime.cli.LauncherCommand;
import org.mambamixer.runtime.cli.ScanOption;
import org.mambamixer.runtime.report.AtomicFiles;
import org.mambamixer.runtime.zoo.PublishedModels;
import org.mambamixer.timeseries.data.Series;
import org.mambamixer.timeseries.data.SeriesCsv;
import org.mambamixer.timeseries.model.ForecastCatalog;
import org.mambamixer.timeseries.model.Tsm2Config;
import org.mambamixer.timeseries.train.TrainedRun;
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
      description = "a run directory of ./mambamixer forecast (one horizon, e.g. runs/.../H96),"
          + " or zoo:NAME, a published model (./mambamixer zoo)")
  Path dir;

  @Option(names = "--data", paramLabel = "CSV", required = true,
      description = "series to forecast; same columns as the training data")
  Path data;

  @Option(names = "--origins", paramLabel = "K", defaultValue = "1",
      description = "forecast from each of the last K windows (default ${DEFAULT-VALUE})")
  int origins;

  @Option(names = "--output", paramLabel = "CSV",
      description = "where to write (default: <checkpoint>/predictions.csv; required with"
          + " zoo:NAME)")
  Path output;

  @Mixin ScanOption scanOption;

  @Spec CommandSpec spec;

  private final ForecastCatalog catalog;

  @Inject
  public PredictCommand(ForecastCatalog catalog) {
    this.catalog = catalog;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (origins <= 0) {
      throw new ParameterException(spec.commandLine(), "--origins must be positive, got " + origins);
    }
    Path folder = PublishedModels.onClassPath().resolve(dir);
    if (output == null && !folder.equals(dir)) {
      throw new ParameterException(spec.commandLine(), "--output is required with " + dir
          + ": a published model's folder is not written to");
    }
    try (TrainedRun run = TrainedRun.open(folder, catalog, scanOption.name());
        Predictor<float[][], float[][]> predictor = run.newPredictor()) {
      Tsm2Config mc = run.spec().model();
      Series s = SeriesCsv.read(data);
      if (s.variates() != mc.variates()) {
        throw new IllegalArgumentException(s.name() + " has " + s.variates()
            + " variates but the model was trained on " + mc.variates());
      }
      int t = mc.lookback();
      if (s.rows() < t + origins - 1) {
        throw new IllegalArgumentException(s.name() + " has " + s.rows() + " rows; " + origins
            + " origins need at least lookback + origins - 1 = " + (t + origins - 1));
      }
      List<float[][]> histories = new ArrayList<>();
      for (int k = 0; k < origins; k++) {
        int end = s.rows() - (origins - 1 - k); // exclusive end of window k
        histories.add(java.util.Arrays.copyOfRange(s.values(), end - t, end)); // (T, M) raw
      }
      List<float[][]> forecasts = predictor.batchPredict(histories); // K x (H, M) raw
      Path target = output != null ? output : dir.resolve("predictions.csv");
      AtomicFiles.writeLines(target, rows(s, forecasts));
      out.printf(Locale.ROOT, "wrote %d forecasts of %d steps x %d variates to %s%n", origins,
          mc.horizon(), mc.variates(), target);
      return 0;
    }
  }

  /** CSV lines: origin timestamp, forecast timestamp, step, then the variates on the raw scale. */
  private static List<String> rows(Series s, List<float[][]> forecasts) {
    Duration step = Duration.between(s.time()[s.rows() - 2], s.time()[s.rows() - 1]);
    List<String> lines = new ArrayList<>();
    lines.add("origin," + s.timeColumn() + ",step," + String.join(",", s.columns()));
    int origins = forecasts.size();
    for (int k = 0; k < origins; k++) {
      LocalDateTime origin = s.time()[s.rows() - 1 - (origins - 1 - k)];
      float[][] f = forecasts.get(k);
      for (int j = 0; j < f.length; j++) {
        StringBuilder sb = new StringBuilder();
        sb.append(origin).append(',').append(origin.plus(step.multipliedBy(j + 1))).append(',')
            .append(j + 1);
        for (float v : f[j]) {
          sb.append(',').append(v);
        }
        lines.add(sb.toString());
      }
    }
    return lines;
  }
}
