package org.mambamixer.timeseries.train;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.Gson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.mambamixer.runtime.train.Checkpoint;
import org.mambamixer.runtime.train.TrainingTask;
import org.mambamixer.timeseries.data.Scaler;
import org.mambamixer.timeseries.model.ForecastCatalog;
import org.mambamixer.timeseries.model.ForecastModel;
import org.mambamixer.timeseries.model.Tsm2Config;

/**
 * A finished forecast run opened for inference from Java: the model is rebuilt from the run's own
 * {@code config.json} (every variant by name, never defaults), its best checkpoint is checked
 * against the manifest and loaded into a DJL {@link Model}, and {@link #newPredictor()} gives a
 * {@link Predictor} that takes raw histories and returns raw forecasts.
 *
 * <pre>{@code
 * try (TrainedRun run = TrainedRun.open(Path.of("runs/ETTh1-L96-.../H96"), catalog, "cpu");
 *     Predictor<float[][], float[][]> p = run.newPredictor()) {
 *   float[][] forecast = p.predict(history); // (T, M) -> (H, M), raw scale
 * }
 * }</pre>
 */
public final class TrainedRun implements AutoCloseable {
  private final ForecastRun.Spec spec;
  private final Scaler scaler;
  private final NDManager manager;
  private final Model model;

  private TrainedRun(ForecastRun.Spec spec, Scaler scaler, NDManager manager, Model model) {
    this.spec = spec;
    this.scaler = scaler;
    this.manager = manager;
    this.model = model;
  }

  /**
   * Opens the run directory of one horizon ({@code .../H96}) on the named scan backend.
   *
   * @throws IOException naming what is missing or damaged (config, scaler, a checkpoint file)
   */
  public static TrainedRun open(Path dir, ForecastCatalog catalog, String scan)
      throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IOException("run directory " + dir + " is missing");
    }
    if (!Files.exists(dir.resolve("config.json")) && hasHorizons(dir)) {
      throw new IOException(dir + " is the parent of a run's horizons; give one of them, e.g. "
          + dir.resolve(firstHorizon(dir)));
    }
    for (String f : new String[] {"config.json", "scaler.json", "checkpoint/best"}) {
      if (!Files.exists(dir.resolve(f))) {
        throw new IOException(dir + " is not a finished forecast run: " + f + " is missing");
      }
    }
    ForecastRun.Spec spec = ForecastRun.readSpec(dir.resolve("config.json"));
    Scaler scaler;
    try {
      scaler = new Gson().fromJson(Files.readString(dir.resolve("scaler.json")), Scaler.class);
    } catch (RuntimeException e) {
      throw new IOException(dir.resolve("scaler.json") + " is not a readable scaler: "
          + e.getMessage(), e);
    }
    Tsm2Config mc = spec.model();
    NDManager manager = NDManager.newBaseManager();
    Model djl = Model.newInstance("tsm2");
    try {
      ForecastModel model = catalog.model(spec.architecture())
          .create(mc, catalog.variants(), catalog.variants().scan(scan));
      model.initialize(manager, DataType.FLOAT32, model.inputShapes(1));
      djl.setBlock(model);
      Checkpoint.load(dir.resolve("checkpoint/best"), djl, null, manager);
      return new TrainedRun(spec, scaler, manager, djl);
    } catch (IOException | RuntimeException e) {
      djl.close();
      manager.close();
      throw e;
    }
  }

  private static boolean hasHorizons(Path dir) throws IOException {
    return firstHorizon(dir) != null;
  }

  private static String firstHorizon(Path dir) throws IOException {
    try (var list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString()).filter(n -> n.matches("H\\d+")).sorted()
          .findFirst().orElse(null);
    }
  }

  /** The run's settings as its config.json holds them. */
  public ForecastRun.Spec spec() {
    return spec;
  }

  public Scaler scaler() {
    return scaler;
  }

  /** The DJL model; its block is the trained TSM2. */
  public Model model() {
    return model;
  }

  /** The model's forward on normalised windows, for scoring it as a run is scored. */
  public TrainingTask.Inference inference() {
    return TrainingTask.Inference.of(model.getBlock(), manager);
  }

  /** A predictor from raw histories {@code (T, M)} to raw forecasts {@code (H, M)}. */
  public Predictor<float[][], float[][]> newPredictor() {
    return model().newPredictor(translator());
  }

  /** The translator of {@link #newPredictor()}: the run's scaler in and out. */
  public ForecastTranslator translator() {
    return new ForecastTranslator(scaler, spec.model().lookback());
  }

  @Override
  public void close() {
    model.close();
    manager.close();
  }
}
