package org.mambamixer.ablations.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import org.mambamixer.ablations.profile.OpTrace;
import org.mambamixer.ablations.profile.StepProfiler;
import org.mambamixer.ablations.profile.TimedScan;
import org.mambamixer.timeseries.data.ForecastData;
import org.mambamixer.timeseries.data.SeriesCsv;
import org.mambamixer.timeseries.data.WindowSource;
import org.mambamixer.timeseries.model.ForecastCatalog;
import org.mambamixer.timeseries.model.ForecastModel;
import org.mambamixer.timeseries.model.ForecastRecipe;
import org.mambamixer.timeseries.model.Tsm2Config;
import org.mambamixer.runtime.train.Trainer;
import org.mambamixer.timeseries.train.Forecaster;
import org.mambamixer.timeseries.train.Metrics;
import org.mambamixer.timeseries.train.TrainConfig;

/**
 * Times a forecaster's training steps by phase and op family ({@link StepProfiler}) and projects
 * an epoch: TSM2 by default, or any model of the forecast registry ({@code --model}), which then
 * runs at its recipe's lookback, sizes and batch as {@code forecast --model NAME} would.
 *
 * Run through {@code ./mambamixer bench-step} ({@link StepProfileCommand}).
 *
 * Three passes on one model: {@code warmup} untimed steps (JIT, allocator), {@code steps} steps
 * timed by the {@link StepProfiler} (the scan kernel by a {@link TimedScan} around the backend, the
 * rest shared out by the op families of one more step under libtorch's profiler, unless {@code
 * engineSplit} is off), and {@code eval-batches} evaluation batches, timed whole. Without {@code
 * --data} the series is a seeded random walk of {@code M} variates.
 */
public final class TrainStepProfile {

  /** What to time. */
  public record Options(String model, Path data, int variates, int windows, int lookback,
      int horizon,
      int dModel, int layers, int dState, int patch, int stride, int batchSize, int evalBatchSize,
      int steps, int warmup, int evalBatches, String scan, boolean engineSplit,
      boolean recompute) {

    /** The issue's configuration: ETTh1-sized (7 variates), L512, H96, d_model 32, batch 128. */
    public static Options issueDefaults() {
      return new Options("tsm2", null, 7, 8545, 512, 96, 32, 2, 16, 16, 8, 128, 256, 5, 2, 2, "cpu", true, false);
    }
  }

  private TrainStepProfile() {}

  /** Runs the three passes on the named model and prints the tables to {@code out}. */
  public static void run(Options o, ForecastCatalog catalog, PrintStream out) throws IOException {
    ForecastModel.Factory factory = catalog.model(o.model());
    Optional<ForecastRecipe> recipe = factory.recipe(
        o.data() != null ? SeriesCsv.datasetName(o.data()) : "");
    int lookback = recipe.map(ForecastRecipe::lookback).orElse(o.lookback());
    int batch = recipe.map(r -> r.train().batchSize()).orElse(o.batchSize());
    WindowSource train;
    WindowSource val;
    String source;
    if (o.data() != null) {
      ForecastData d = ForecastData.load(o.data(), lookback, o.horizon(), batch, 2021);
      train = d.train();
      val = d.val();
      source = d.series().name();
    } else {
      train = RandomWalk.of(o.variates(), o.windows(), lookback, o.horizon(), 11);
      val = RandomWalk.of(o.variates(), Math.max(1, o.windows() / 3), lookback, o.horizon(),
          12);
      source = "random walk";
    }
    Tsm2Config p = Tsm2Config.preset(o.data() != null ? source : "synthetic", lookback,
        train.variates());
    Tsm2Config preset = p.withVariants(factory.variants());
    Tsm2Config mc = recipe.map(r -> r.shape().apply(preset))
        .orElse(preset.withPatch(o.patch(), o.stride()).withModel(o.dModel(), o.layers())
            .withDState(o.dState()))
        .withHorizon(o.horizon());
    TimedScan scan = new TimedScan(catalog.variants().scan(o.scan()));
    int kernelThreads = Runtime.getRuntime().availableProcessors();
    out.printf(Locale.ROOT, "%s step profile%s: %s, %d variates, lookback %d, horizon %d,"
        + " d_model %d, %d layers, N %d, patch %d/%d, batch %d, scan %s (%d threads)%n",
        o.model(), recipe.isPresent() ? " (its recipe)" : "", source, train.variates(), lookback,
        o.horizon(), mc.dModel(), mc.layers(), mc.dState(), mc.patchLen(), mc.stride(), batch,
        scan.name(), kernelThreads);
    Path trace = o.engineSplit() ? Files.createTempFile("step-profile", ".json") : null;
    StepProfiler profiler = new StepProfiler(o.warmup(), o.steps(), trace, scan);
    TrainConfig tc = TrainConfig.full().withBatch(batch)
        .withMaxBatches(profiler.batches())
        .withEvalBatch(o.evalBatchSize()).withRecompute(o.recompute());
    try (NDManager manager = NDManager.newBaseManager()) {
      manager.getEngine().setRandomSeed(2021);
      ForecastModel model = factory.create(mc, catalog.variants(), scan);
      model.initialize(manager, DataType.FLOAT32, model.inputShapes(batch));
      Trainer f = new Trainer(new Forecaster(model, tc, train, null), tc, manager,
          new PrintWriter(Writer.nullWriter()));
      f.listen(profiler).train(0, 0, profiler.batches());
      OpTrace split = trace != null ? OpTrace.read(trace) : null;
      if (trace != null) {
        Files.delete(trace);
      }
      WindowSource evalPart = val.first(o.evalBatches() * o.evalBatchSize());
      int evalWindows = evalPart.windows();
      TimedScan.Totals s0 = scan.totals();
      long e0 = System.nanoTime();
      Metrics m = Forecaster.evaluate(f.inference(), evalPart, o.evalBatchSize());
      long evalNanos = System.nanoTime() - e0;
      TimedScan.Totals evalScan = scan.totals().minus(s0);
      double evalBatches = Math.ceil(evalWindows / (double) o.evalBatchSize());

      double meanStepMs = profiler.meanStepMs();
      out.printf(Locale.ROOT, "%nTraining step: median %.0f ms, mean %.0f ms over %d steps"
          + " (after %d warm-up steps)%n%n", profiler.medianStepMs(), meanStepMs, o.steps(),
          o.warmup());
      StepReport.table(out, profiler.rows(split));
      double evalBatchMs = evalWindows > 0 ? evalNanos / 1e6 / evalBatches : 0;
      if (evalWindows > 0) {
        out.printf(Locale.ROOT, "%nEvaluation (no gradient): %.0f ms per batch of %d windows"
            + " (%d windows, MSE %.3f)%n", evalBatchMs, o.evalBatchSize(), evalWindows, m.mse());
        StepReport.evaluationScan(out, evalScan, evalBatches);
      } else {
        out.printf(Locale.ROOT, "%nEvaluation: not measured (--eval-batches 0); the projected"
            + " epoch below leaves validation out.%n");
      }
      int stepsPerEpoch = (train.windows() + batch - 1) / batch;
      double valBatches = Math.ceil(val.windows() / (double) o.evalBatchSize());
      double epochS = (stepsPerEpoch * meanStepMs + valBatches * evalBatchMs) / 1e3;
      out.printf(Locale.ROOT, "%nProjected epoch: %d steps x %.0f ms + %.0f validation batches x"
          + " %.0f ms = %.0f s wall.%n", stepsPerEpoch, meanStepMs, valBatches, evalBatchMs,
          epochS);
      StepReport.memory(out);
      StepReport.bound(out, profiler, kernelThreads);
    }
  }

  /** A seeded Gaussian random walk per variate, z-scored: stands in for a dataset. */
  static final class RandomWalk {
    private RandomWalk() {}

    static WindowSource of(int variates, int windows, int lookback, int horizon, long seed) {
      int rows = windows + lookback + horizon - 1;
      float[] series = new float[rows * variates];
      Random rnd = new Random(seed);
      for (int m = 0; m < variates; m++) {
        double level = 0;
        for (int t = 0; t < rows; t++) {
          level = 0.98 * level + rnd.nextGaussian() * 0.2;
          series[t * variates + m] = (float) level;
        }
      }
      return new WindowSource() {
        @Override
        public int windows() {
          return windows;
        }

        @Override
        public int lookback() {
          return lookback;
        }

        @Override
        public int horizon() {
          return horizon;
        }

        @Override
        public int variates() {
          return variates;
        }

        @Override
        public void fill(int i, float[] x, int xOffset, float[] y, int yOffset) {
          System.arraycopy(series, i * variates, x, xOffset, lookback * variates);
          System.arraycopy(series, (i + lookback) * variates, y, yOffset, horizon * variates);
        }
      };
    }
  }
}
