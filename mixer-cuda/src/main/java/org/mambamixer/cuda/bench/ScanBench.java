package org.mambamixer.cuda.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.mambamixer.api.scan.Backprop;
import org.mambamixer.api.scan.ReferenceScan;
import org.mambamixer.api.scan.ScanInputs;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.cuda.RandomScanProblem;
import org.mambamixer.cuda.ScanKernel;
import org.mambamixer.cuda.ScanProblem;
import org.mambamixer.cuda.bridge.KernelScan;
import org.mambamixer.cuda.cpu.CpuScanKernel;
import org.mambamixer.cuda.cpu.ExpBound;

/**
 * Times the fused CPU kernel against the DJL reference scan over (batch, L, D, N), forward and
 * forward + backward, and relates the kernel's element rate to this CPU's measured exp rate.
 *
 * Run through {@code ./mambamixer bench} ({@link BenchCommand}).
 *
 * All inputs present (z, D, delta_bias, softplus), forward direction. Each time is the median of
 * the repetitions after warm-up calls; one element is one (b, l, d, n).
 */
public final class ScanBench {
  static final String DEFAULT_SHAPES = "8x512x256x16,224x63x128x16,2x2048x64x16,8x512x256x4,4x256x128x64";

  private ScanBench() {}

  private record Dims(int b, int l, int d, int n) {
    static Dims parse(String s) {
      String[] p = s.split("x");
      if (p.length != 4) {
        throw new IllegalArgumentException("shape must be BxLxDxN, got " + s);
      }
      return new Dims(Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]),
          Integer.parseInt(p[3]));
    }

    long elements() {
      return (long) b * l * d * n;
    }
  }

  /** Prints the benchmark table for {@code shapes} ("BxLxDxN,..."). */
  public static void run(int threads, int reps, int refReps, boolean reference, String shapes) {
    CpuScanKernel kernel = new CpuScanKernel(threads, CpuScanKernel.DEFAULT_CHUNK);
    System.out.printf(Locale.ROOT, "cpu kernel: %s path, %d threads, chunk %d%n", kernel.path(),
        threads, CpuScanKernel.DEFAULT_CHUNK);
    System.out.println("| B | L | D | N | elements | cpu fwd ms | cpu fwd+bwd ms | bridge fwd+bwd ms"
        + " | ref fwd ms | ref fwd+bwd ms | fwd speedup | fwd+bwd speedup | cpu fwd elem/s"
        + " | exp bound exp/s | fwd % exp bound | fwd+bwd % exp bound |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (String s : shapes.split(",")) {
      Dims dims = Dims.parse(s.trim());
      ScanProblem p = RandomScanProblem.of(dims.b, dims.d, dims.l, dims.n, true, true, true, true,
          false, false, 7);
      float[] dout = RandomScanProblem.gauss(new Random(8), dims.b * dims.d * dims.l, 1f, 0f);
      double[] kernelTimes = interleavedMedians(reps, () -> kernel.forward(p), () -> {
        ScanKernel.Forward f = kernel.forward(p);
        kernel.backward(p, f, dout);
      });
      double fwd = kernelTimes[0];
      double both = kernelTimes[1];
      double bridge = djl(new KernelScan(kernel), p, dout, true, reps);
      double refFwd = reference ? djl(new ReferenceScan(), p, dout, false, refReps) : Double.NaN;
      double refBoth = reference ? djl(new ReferenceScan(), p, dout, true, refReps) : Double.NaN;
      // Measured next to the row it bounds: the cores are shared, so the rate drifts.
      double expRate = ExpBound.perSecond(threads, 4096, 1.0);
      double el = dims.elements();
      System.out.printf(Locale.ROOT,
          "| %d | %d | %d | %d | %.3g | %.2f | %.2f | %.2f | %.1f | %.1f | %.1fx | %.1fx | %.3g | %.3g | %.0f%% | %.0f%% |%n",
          dims.b, dims.l, dims.d, dims.n, el, fwd * 1e3, both * 1e3, bridge * 1e3, refFwd * 1e3,
          refBoth * 1e3, refFwd / fwd, refBoth / both, el / fwd, expRate, 100 * el / fwd / expRate,
          // forward + backward computes exp twice per element (the backward recomputes it)
          100 * 2 * el / both / expRate);
    }
  }

  /**
   * Median seconds of {@code reps} calls of each of {@code first} and {@code second}, timed in
   * alternation after both are warm. Timing one after the other (all forwards, then all forwards
   * with backwards) let the forward's row see an earlier JIT state and other load on the shared
   * cores than the row it is compared with: at 4x256x128x16 the forward once read slower than the
   * forward + backward (docs/benchmarks.md).
   */
  private static double[] interleavedMedians(int reps, Runnable first, Runnable second) {
    warmUp(second); // runs the forward too
    warmUp(first);
    double[] a = new double[reps];
    double[] b = new double[reps];
    for (int i = 0; i < reps; i++) {
      a[i] = seconds(first);
      b[i] = seconds(second);
    }
    Arrays.sort(a);
    Arrays.sort(b);
    return new double[] {a[reps / 2], b[reps / 2]};
  }

  /**
   * At least 20 calls and 2 seconds: the forward reaches its compiled speed only after a few dozen
   * calls (measured, one thread, 4x256x128x16: 12.6 ms CPU per call over calls 4-12, 4.6 later).
   */
  private static void warmUp(Runnable call) {
    long warmEnd = System.nanoTime() + 2_000_000_000L;
    for (int i = 0; i < 20 || System.nanoTime() < warmEnd; i++) {
      call.run();
    }
  }

  private static double seconds(Runnable call) {
    long start = System.nanoTime();
    call.run();
    return (System.nanoTime() - start) / 1e9;
  }

  /** Median seconds of {@code reps} calls after warm-up calls (at least 3 and 2 seconds: the JIT). */
  private static double median(int reps, Runnable call) {
    long warmEnd = System.nanoTime() + 2_000_000_000L;
    for (int i = 0; i < 3 || System.nanoTime() < warmEnd; i++) {
      call.run();
    }
    double[] t = new double[reps];
    for (int i = 0; i < reps; i++) {
      long start = System.nanoTime();
      call.run();
      t[i] = (System.nanoTime() - start) / 1e9;
    }
    Arrays.sort(t);
    return t[reps / 2];
  }

  /**
   * One DJL scan of {@code p}, with loss sum(out * dout) and its backward when {@code backward}.
   * Inputs are created inside the timed call, on a manager closed after it, so every intermediate
   * is freed; the copy is O(B D L), small beside the O(B D L N) scan.
   */
  private static double djl(SelectiveScan scan, ScanProblem p, float[] dout, boolean backward,
      int reps) {
    Shape bdl = new Shape(p.batch(), p.dim(), p.len());
    Shape bnl = new Shape(p.batch(), p.dstate(), p.len());
    return median(reps, () -> {
      try (NDManager m = NDManager.newBaseManager()) {
        NDArray u = m.create(p.u(), bdl);
        NDArray delta = m.create(p.delta(), bdl);
        NDArray a = m.create(p.A(), new Shape(p.dim(), p.dstate()));
        NDArray bIn = m.create(p.B(), bnl);
        NDArray cIn = m.create(p.C(), bnl);
        NDArray skip = m.create(p.dSkip(), new Shape(p.dim()));
        NDArray z = m.create(p.z(), bdl);
        NDArray bias = m.create(p.deltaBias(), new Shape(p.dim()));
        ScanInputs in = ScanInputs.of(u, delta, a, bIn, cIn, skip, z, bias);
        if (!backward) {
          scan.scan(in).out().getFloat(0, 0, 0);
          return;
        }
        for (NDArray x : List.of(u, delta, a, bIn, cIn, skip, z, bias)) {
          x.setRequiresGradient(true);
        }
        try (GradientCollector gc = m.getEngine().newGradientCollector()) {
          NDArray out = scan.scan(in).out();
          Backprop.backward(out.mul(m.create(dout, bdl)).sum());
        }
        // Read a gradient so the engine's work is complete.
        u.getGradient().getFloat(0, 0, 0);
      }
    });
  }
}
