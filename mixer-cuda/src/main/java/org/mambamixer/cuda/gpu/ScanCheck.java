package org.mambamixer.cuda.gpu;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.mambamixer.api.util.MaxError;
import org.mambamixer.cuda.ScanKernel;
import org.mambamixer.cuda.ScanProblem;
import org.mambamixer.cuda.cpu.CpuScanKernel;
import org.mambamixer.runtime.cli.LauncherCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code scan-check}: runs a fast kernel and a reference kernel on the same random problems
 * ({@link CheckCase#standard()}), compares the forward and every gradient, and times both.
 *
 * <p>Exit status: 0 all within tolerance, 1 a mismatch, 2 the backend is unusable or bad
 * arguments. Runs without DJL: it needs only mixer-cuda's classes, picocli, javacpp and bytedeco's
 * cuda jars, so the GPU bundle (docs/gpu.md) runs it through {@link #main} as the launcher does.
 */
@Command(name = "scan-check", mixinStandardHelpOptions = true,
    description = "compare a scan kernel with a trusted one on random inputs (errors, timings)")
public final class ScanCheck implements LauncherCommand {

  /**
   * Largest accepted error, relative to each element and floored at 1% of the tensor's largest
   * magnitude (so sums that cancel to near zero are judged at the tensor's scale). fp32 kernels
   * that differ only in summation order and exp implementation stay well inside it.
   */
  public static final double TOLERANCE = 2e-3;

  static final int EXIT_OK = 0;
  static final int EXIT_MISMATCH = 1;
  static final int EXIT_UNUSABLE = 2;

  /** The worst error of one compared tensor. */
  public record TensorError(String tensor, double maxAbs, double maxRel) {
    public boolean ok() {
      return maxRel <= TOLERANCE;
    }
  }

  @Option(names = "--scan", paramLabel = "cuda|cpu", defaultValue = "cuda",
      description = "cuda: the CUDA kernel against the CPU kernel; cpu: the CPU kernel against a"
          + " float64 scalar oracle (default: ${DEFAULT-VALUE})")
  String scan;

  @Option(names = "--reps", paramLabel = "N", defaultValue = "5",
      description = "timing repetitions per case, median reported; 0 skips timing")
  int reps;

  @Option(names = "--quick", description = "the small correctness cases only, not the timing shape")
  boolean quick;

  @Spec CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args, System.out));
  }

  /** Runs with picocli's parsing, printing everything (usage errors too) to {@code out}. */
  static int run(String[] args, PrintStream out) {
    PrintWriter w = new PrintWriter(out, true);
    return new CommandLine(new ScanCheck()).setOut(w).setErr(w).execute(args);
  }

  @Override
  public Integer call() {
    if (reps < 0) {
      throw new ParameterException(spec.commandLine(), "--reps must be at least 0 but is " + reps);
    }
    PrintWriter out = spec.commandLine().getOut();
    List<CheckCase> cases = quick ? CheckCase.quick() : CheckCase.standard();
    switch (scan) {
      case "cuda" -> {
        CudaProbe.Verdict verdict = CudaProbe.verdict();
        out.println(verdict.describe());
        if (!verdict.available()) {
          return EXIT_UNUSABLE;
        }
        try (CudaScanKernel cuda = new CudaScanKernel()) {
          return check(cuda, cpuKernel(), cases, reps, out);
        }
      }
      case "cpu" -> {
        return check(cpuKernel(), new ScalarScanKernel(), cases, reps, out);
      }
      default -> throw new ParameterException(spec.commandLine(),
          "scan-check compares kernels: --scan must be cuda or cpu, got '" + scan + "'");
    }
  }

  /** The CPU kernel: the reference for --scan cuda, the kernel under test for --scan cpu. */
  static CpuScanKernel cpuKernel() {
    return new CpuScanKernel();
  }

  private static int check(
      ScanKernel kernel, ScanKernel reference, List<CheckCase> cases, int reps, PrintWriter out) {
    for (ScanKernel k : List.of(kernel, reference)) {
      if (k instanceof CpuScanKernel cpu) {
        out.printf(Locale.ROOT, "cpu kernel: %s arithmetic, %d threads%n", cpu.path(), cpu.threads());
      }
    }
    out.printf(Locale.ROOT, "scan-check: %s vs %s, tolerance %.0e (relative, floored at 1%% of"
        + " each tensor's max)%n", kernel.name(), reference.name(), TOLERANCE);
    boolean allOk = true;
    long seed = 1;
    for (CheckCase c : cases) {
      ScanProblem p = c.sample(seed);
      float[] dout = c.dout(seed);
      seed++;
      out.printf(Locale.ROOT, "%s  B=%d D=%d L=%d N=%d%s%s%s%s%s%s%n", c.name(), c.batch(), c.dim(),
          c.len(), c.dstate(), c.skip() ? " D" : "", c.gate() ? " z" : "", c.bias() ? " bias" : "",
          c.softplus() ? " softplus" : "", c.h0() ? " h0" : "", c.reverse() ? " reverse" : "");
      for (TensorError e : compare(kernel, reference, p, dout)) {
        allOk &= e.ok();
        out.printf(Locale.ROOT, "  %-12s max abs %.3e  max rel %.3e  %s%n", e.tensor(), e.maxAbs(),
            e.maxRel(), e.ok() ? "ok" : "MISMATCH");
      }
      if (reps == 0) {
        continue;
      }
      double[] k = time(kernel, p, dout, reps);
      double[] r = time(reference, p, dout, reps);
      out.printf(Locale.ROOT, "  time fwd     %s %9.3f ms  %s %9.3f ms  (%.1fx, %s %.0f M elem/s)%n",
          kernel.name(), k[0], reference.name(), r[0], r[0] / k[0], kernel.name(),
          c.elements() / k[0] / 1e3);
      out.printf(Locale.ROOT, "  time fwd+bwd %s %9.3f ms  %s %9.3f ms  (%.1fx)%n",
          kernel.name(), k[1], reference.name(), r[1], r[1] / k[1]);
    }
    out.println(allOk ? "scan-check: PASS" : "scan-check: FAIL");
    out.flush();
    return allOk ? EXIT_OK : EXIT_MISMATCH;
  }

  /**
   * Runs both kernels forward and backward on p.
   *
   * @return one entry per output and per gradient present, in the order of {@link
   *     ScanKernel.Gradients}
   */
  public static List<TensorError> compare(
      ScanKernel kernel, ScanKernel reference, ScanProblem p, float[] dout) {
    ScanKernel.Forward kf = kernel.forward(p);
    ScanKernel.Forward rf = reference.forward(p);
    ScanKernel.Gradients kg = kernel.backward(p, kf, dout);
    ScanKernel.Gradients rg = reference.backward(p, rf, dout);
    List<TensorError> errors = new ArrayList<>();
    errors.add(error("out", kf.out(), rf.out()));
    errors.add(error("last_state", kf.lastState(), rf.lastState()));
    errors.add(error("du", kg.du(), rg.du()));
    errors.add(error("ddelta", kg.ddelta(), rg.ddelta()));
    errors.add(error("dA", kg.dA(), rg.dA()));
    errors.add(error("dB", kg.dB(), rg.dB()));
    errors.add(error("dC", kg.dC(), rg.dC()));
    addIfPresent(errors, "dD", kg.dD(), rg.dD(), p.dSkip());
    addIfPresent(errors, "dz", kg.dz(), rg.dz(), p.z());
    addIfPresent(errors, "ddelta_bias", kg.dDeltaBias(), rg.dDeltaBias(), p.deltaBias());
    addIfPresent(errors, "dh0", kg.dh0(), rg.dh0(), p.h0());
    return errors;
  }

  private static void addIfPresent(
      List<TensorError> errors, String name, float[] actual, float[] expected, float[] input) {
    if (input != null || actual != null || expected != null) {
      errors.add(error(name, actual, expected));
    }
  }

  /** Worst error of actual against expected; a missing or mis-sized tensor is an infinite one. */
  static TensorError error(String tensor, float[] actual, float[] expected) {
    if (actual == null || expected == null || actual.length != expected.length) {
      return new TensorError(tensor + " (missing or wrong size)", Double.POSITIVE_INFINITY,
          Double.POSITIVE_INFINITY);
    }
    MaxError m = MaxError.of(expected.length, i -> actual[i], i -> expected[i]);
    return new TensorError(tensor, m.maxAbs(), m.maxRel());
  }

  /** Median wall times in ms of {forward, forward + backward}, after two warm-up runs. */
  private static double[] time(ScanKernel kernel, ScanProblem p, float[] dout, int reps) {
    for (int i = 0; i < 2; i++) {
      kernel.backward(p, kernel.forward(p), dout);
    }
    double[] fwd = new double[reps];
    double[] both = new double[reps];
    for (int i = 0; i < reps; i++) {
      long t0 = System.nanoTime();
      ScanKernel.Forward f = kernel.forward(p);
      long t1 = System.nanoTime();
      kernel.backward(p, f, dout);
      long t2 = System.nanoTime();
      fwd[i] = (t1 - t0) / 1e6;
      both[i] = (t2 - t0) / 1e6;
    }
    Arrays.sort(fwd);
    Arrays.sort(both);
    return new double[] {fwd[reps / 2], both[reps / 2]};
  }
}
