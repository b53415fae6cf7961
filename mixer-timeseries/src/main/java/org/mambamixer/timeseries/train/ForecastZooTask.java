package org.mambamixer.timeseries.train;

import ai.djl.Application;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.Translator;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.mambamixer.runtime.zoo.ZooManifest;
import org.mambamixer.runtime.zoo.ZooTask;
import org.mambamixer.timeseries.data.DataLocator;
import org.mambamixer.timeseries.data.ForecastData;
import org.mambamixer.timeseries.data.WindowSource;
import org.mambamixer.timeseries.model.ForecastCatalog;
import org.mambamixer.timeseries.model.Tsm2Config;

/**
 * Published forecasters (task {@code forecast}): a folder shaped as one horizon of a forecast
 * run, opened by {@link TrainedRun}. The metric is the test MSE on the normalised scale, over the
 * test windows in order, exactly as the run reported it.
 */
public final class ForecastZooTask implements ZooTask {
  private final ForecastCatalog catalog;

  @Inject
  public ForecastZooTask(ForecastCatalog catalog) {
    this.catalog = catalog;
  }

  @Override
  public String metric() {
    return "mse";
  }

  @Override
  public List<String> runFiles() {
    return List.of("config.json", "scaler.json");
  }

  @Override
  public Application application() {
    return Application.TimeSeries.FORECASTING;
  }

  @Override
  public double measure(Path folder, ZooManifest manifest, int slice, String dataDir,
      String scan, PrintWriter log) throws IOException {
    try (TrainedRun run = TrainedRun.open(folder, catalog, scan)) {
      Tsm2Config mc = run.spec().model();
      TrainConfig tc = run.spec().train();
      Path csv = DataLocator.fromEnvironment(dataDir).locate(manifest.dataset());
      WindowSource test = ForecastData.load(csv, mc.lookback(), mc.horizon(), tc.batchSize(),
          tc.seed()).test();
      WindowSource scored = slice > 0 ? test.first(slice) : test;
      log.printf(Locale.ROOT, "zoo:%s: %d of %d test windows of %s...%n", manifest.name(),
          scored.windows(), test.windows(), csv);
      log.flush();
      return Forecaster.evaluate(run.inference(), scored, tc.evalBatchSize()).mse();
    }
  }

  @Override
  @SuppressWarnings("unchecked") // the types are checked against the translator's just before
  public <I, O> ZooModel<I, O> load(Path folder, Criteria<I, O> criteria)
      throws IOException, ModelNotFoundException {
    if (criteria.getInputClass() != float[][].class
        || criteria.getOutputClass() != float[][].class) {
      throw new ModelNotFoundException("a published forecaster takes and returns float[][]"
          + " (a raw history (T, M), a raw forecast (H, M)), not " + criteria.getInputClass()
          + " -> " + criteria.getOutputClass());
    }
    TrainedRun run = TrainedRun.open(folder, catalog,
        ZooTask.scan(criteria, catalog.variants()));
    Translator<I, O> translator = (Translator<I, O>) run.translator();
    // Closing the ZooModel closes the run: its manager holds the weights.
    return new ZooModel<>(run.model(), translator) {
      @Override
      public void close() {
        run.close();
      }
    };
  }
}
