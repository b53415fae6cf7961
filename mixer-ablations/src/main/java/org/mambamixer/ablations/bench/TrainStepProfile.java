package org.mambamixer.ablations.bench;

import org.mambamixer.runtime.report.ProcessMemory;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.api.util.OpTimer;
import org.mambamixer.api.util.OpTimer.Family;
import org.mambamixer.cuda.cpu.ExpBound;
import org.mambamixer.timeseries.data.ForecastData;
import org.mambamixer.timeseries.data.WindowSource;
import org.mambamixer.timeseries.model.Tsm2;
import org.mambamixer.timeseries.model.Tsm2Config;
import org.mambamixer.runtime.train.Trainer;
import org.mambamixer.timeseries.train.Forecaster;
import org.mambamixer.timeseries.train.Metrics;
import org.mambamixer.timeseries.train.TrainConfig;

/**
 * Times TSM2 training steps by op family ({@link OpTimer}) and projects an epoch.
 *
 * Run through {@code ./mambamixer bench-step} ({@link StepProfileCommand}).
 *
 * Three passes on one model: {@code warmup} untimed steps (JIT, allocator), {@code steps} steps
 * timed by family, and {@code eval-batches} evaluation batches timed by family. A last step runs
 * under libtorch's profiler to split the engine's backward by autograd node type (the profiler
 * slows small ops down, so only its proportions are used, applied to the timed backward). Without
 * {@code --data} the series is a seeded random walk of {@code M} variates.
 */
public final class TrainStepProfile {

  /** What to time. */
  public record Options(Path data, int variates, int windows, int lookback, int horizon,
      int dModel, int layers, int dState, int patch, int stride, int batchSize, int evalBatchSize,
      int steps, int warmup, int evalBatches, String scan, boolean engineSplit,
      boolean recompute) {

    /** The issue's configuration: ETTh1-sized (7 variates), L512, H96, d_model 32, batch 128. */
    public static Options issueDefaults() {
      return new Options(null, 7, 8545, 512, 96, 32, 2, 16, 16, 8, 128, 256, 5, 2, 2, "cpu", true, false);
    }
  }

  private TrainStepProfile() {}

  /** Runs the three passes on the named variants and prints the tables to {@code out}. */
  public static void run(Options o, Variants variants, PrintStream out) throws IOException {
    WindowSource train;
    WindowSource val;
    String source;
    if (o.data() != null) {
      ForecastData d = ForecastData.load(o.data(), o.lookback(), o.horizon(), o.batchSize(), 2021);
      train = d.train();
      val = d.val();
      source = d.series().name();
    } else {
      train = RandomWalk.of(o.variates(), o.windows(), o.lookback(), o.horizon(), 11);
      val = RandomWalk.of(o.variates(), Math.max(1, o.windows() / 3), o.lookback(), o.horizon(),
          12);
      source = "random walk";
    }
    Tsm2Config p = Tsm2Config.preset(o.data() != null ? source : "synthetic", o.lookback(),
        train.variates());
    Tsm2Config mc = p.withHorizon(o.horizon()).withPatch(o.patch(), o.stride())
        .withModel(o.dModel(), o.layers()).withDState(o.dState());
    SelectiveScan scan = variants.scan(o.scan());
    int kernelThreads = Runtime.getRuntime().availableProcessors();
    out.printf(Locale.ROOT, "TSM2 step profile: %s, %d variates, lookback %d, horizon %d, d_model %d,"
        + " %d layers, N %d, patch %d/%d, batch %d, scan %s (%d threads)%n", source,
        train.variates(), o.lookback(), o.horizon(), o.dModel(), o.layers(), o.dState(), o.patch(),
        o.stride(), o.batchSize(), scan.name(), kernelThreads);
    TrainConfig tc = TrainConfig.full().withBatch(o.batchSize())
        .withMaxBatches(o.warmup() + o.steps() + (o.engineSplit() ? 1 : 0))
        .withEvalBatch(o.evalBatchSize()).withRecompute(o.recompute());
    try (NDManager manager = NDManager.newBaseManager()) {
      manager.getEngine().setRandomSeed(2021);
      Tsm2 model = new Tsm2(mc, variants, scan);
      model.initialize(manager, DataType.FLOAT32, model.inputShapes(o.batchSize()));
      Trainer f = new Trainer(new Forecaster(model, tc, train, null), tc, manager,
          new PrintWriter(Writer.nullWriter()));
      Path trace = Files.createTempFile("tsm2-step", ".json");
      StepWindow window = new StepWindow(o.warmup(), o.steps(), o.engineSplit() ? trace : null);
      f.listen(window).train(0, 0, f.batchesPerEpoch());
      Map<Family, Long> trainWall = window.wall();
      Map<Family, Long> trainCpu = window.cpu();
      WindowSource evalPart = val.first(o.evalBatches() * o.evalBatchSize());
      int evalWindows = evalPart.windows();
      OpTimer.start();
      long e0 = System.nanoTime();
      Metrics m = Forecaster.evaluate(f.inference(), evalPart, o.evalBatchSize());
      long evalNanos = System.nanoTime() - e0;
      OpTimer.stop();
      Map<Family, Long> eval = OpTimer.totals();
      Map<Family, Long> evalCpu = OpTimer.cpuTotals();
      double evalBatches = Math.ceil(evalWindows / (double) o.evalBatchSize());

      double stepMs = window.medianStepMs();
      double meanStepMs = window.meanStepMs();
      out.printf(Locale.ROOT, "%nTraining step: median %.0f ms, mean %.0f ms over %d steps"
          + " (after %d warm-up steps)%n%n", stepMs, meanStepMs, o.steps(), o.warmup());
      printFamilies(out, trainWall, trainCpu, o.steps(), "step");
      if (o.engineSplit()) {
        out.println();
        EngineSplit.print(out, EngineSplit.read(trace),
            trainWall.get(Family.ENGINE_BACKWARD) / 1e6 / o.steps());
      }
      Files.deleteIfExists(trace);
      if (evalWindows > 0) {
        out.printf(Locale.ROOT, "%nEvaluation (no gradient): %.0f ms per batch of %d windows"
            + " (%d windows, MSE %.3f)%n%n", evalNanos / 1e6 / evalBatches, o.evalBatchSize(),
            evalWindows, m.mse());
        printFamilies(out, eval, evalCpu, evalBatches, "batch");
      } else {
        out.printf(Locale.ROOT, "%nEvaluation: not measured (--eval-batches 0); the projected"
            + " epoch below leaves validation out.%n");
      }

      // ExpBound's own short warm-up inside the timed call adds a few percent to both clocks.
      double[] exp = expRates();
      double expRate = exp[0];
      double expPerCpuSecond = exp[1];
      // The forward computes one exp per element, the backward recomputes it.
      double boundCpuMs = 2.0 * window.scanElementsPerStep() / expPerCpuSecond * 1e3;
      double scanCpuMs = (trainCpu.get(Family.SCAN_FORWARD)
          + trainCpu.get(Family.SCAN_BACKWARD)) / 1e6 / o.steps();
      double stepCpuMs = trainCpu.values().stream().mapToLong(Long::longValue).sum() / 1e6
          / o.steps();
      int stepsPerEpoch = (train.windows() + o.batchSize() - 1) / o.batchSize();
      double valBatches = Math.ceil(val.windows() / (double) o.evalBatchSize());
      double evalBatchMs = evalWindows > 0 ? evalNanos / 1e6 / evalBatches : 0;
      double epochS = (stepsPerEpoch * meanStepMs + valBatches * evalBatchMs) / 1e3;
      out.printf(Locale.ROOT, "%nScan exp bound: %.3g scan elements per step, 2 exps each (forward"
          + " + recompute), %.3g exp per CPU second (%.3g exp/s wall on one thread now) -> %.0f ms"
          + " CPU per step (%.0f ms on %d idle cores).%n", (double) window.scanElementsPerStep(),
          expPerCpuSecond, expRate, boundCpuMs, boundCpuMs / kernelThreads, kernelThreads);
      printCores(out, trainWall, trainCpu, kernelThreads);
      out.printf(Locale.ROOT, "Scan kernel fwd+bwd %.0f ms CPU = %.1fx the bound; whole step %.0f ms"
          + " CPU = %.1fx the bound.%n", scanCpuMs, scanCpuMs / boundCpuMs, stepCpuMs,
          stepCpuMs / boundCpuMs);
      out.printf(Locale.ROOT, "Projected epoch: %d steps x %.0f ms + %.0f validation batches x %.0f"
          + " ms = %.0f s wall; the scan bound of its training steps: %.1f s on %d idle cores.%n",
          stepsPerEpoch, meanStepMs, valBatches, evalBatchMs, epochS,
          stepsPerEpoch * boundCpuMs / kernelThreads / 1e3, kernelThreads);
      out.printf(Locale.ROOT, "Peak RSS so far: %d MiB; JVM heap used %d MiB of %d MiB"
          + " committed.%n", ProcessMemory.peakRssMb(), usedHeapMb(), Runtime.getRuntime().totalMemory() >> 20);
    }
  }

  /**
   * The exp rate of one thread: {wall exp/s now, exp per CPU second}, after a call that compiles
   * the loop. The rate per CPU second holds however busy the shared cores are.
   */
  /** How many of the cores a training step kept busy: its CPU time over its wall time. */
  static void printCores(PrintStream out, Map<Family, Long> wall, Map<Family, Long> cpu,
      int cores) {
    double cpuNs = cpu.values().stream().mapToLong(Long::longValue).sum();
    double wallNs = wall.values().stream().mapToLong(Long::longValue).sum();
    out.printf(Locale.ROOT, "Cores used per training step: %.2f of %d (CPU time over wall time).%n",
        cpuNs / wallNs, cores);
  }

  static double[] expRates() {
    ExpBound.perSecond(1, 4096, 0.2);
    long w0 = System.nanoTime();
    long c0 = OpTimer.processCpuNanos();
    double expRate = ExpBound.perSecond(1, 4096, 1.0);
    return new double[] {expRate,
        expRate * (System.nanoTime() - w0) / (OpTimer.processCpuNanos() - c0)};
  }

  static void printFamilies(PrintStream out, Map<Family, Long> wall,
      Map<Family, Long> cpu, double per, String unit) {
    double total = wall.values().stream().mapToLong(Long::longValue).sum();
    double totalCpu = cpu.values().stream().mapToLong(Long::longValue).sum();
    out.printf(Locale.ROOT, "| family | wall ms/%s | %% of wall | CPU ms/%s | %% of CPU |%n"
        + "|---|---:|---:|---:|---:|%n", unit, unit);
    for (Family f : Family.values()) {
      long ns = wall.get(f);
      long cns = cpu.get(f);
      if (ns > 0) {
        out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.1f |%n", f.description(),
            ns / 1e6 / per, 100 * ns / total, cns / 1e6 / per, 100 * cns / totalCpu);
      }
    }
    out.printf(Locale.ROOT, "| total | %.1f | 100 | %.1f | 100 |%n", total / 1e6 / per,
        totalCpu / 1e6 / per);
  }



  static long usedHeapMb() {
    Runtime r = Runtime.getRuntime();
    return (r.totalMemory() - r.freeMemory()) >> 20;
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
