package org.mambamixer.ablations.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import org.mambamixer.ablations.profile.ProcessCpu;
import org.mambamixer.ablations.profile.StepProfiler;
import org.mambamixer.ablations.profile.TimedScan;
import org.mambamixer.cuda.cpu.ExpBound;
import org.mambamixer.runtime.report.ProcessMemory;

/** What both step profilers print: the family table, memory, and the scan's exp bound last. */
final class StepReport {
  private StepReport() {}

  /** The rows of a {@link StepProfiler} as a table, per step. */
  static void table(PrintStream out, List<StepProfiler.Row> rows) {
    double wall = rows.stream().mapToDouble(StepProfiler.Row::wallMs).sum();
    double cpu = rows.stream().mapToDouble(StepProfiler.Row::cpuMs).sum();
    out.println("| phase | family | wall ms/step | % of wall | CPU ms/step | % of CPU |");
    out.println("|---|---|---:|---:|---:|---:|");
    for (StepProfiler.Row r : rows) {
      out.printf(Locale.ROOT, "| %s | %s | %.1f | %.1f | %.1f | %.1f |%n", r.part(), r.family(),
          r.wallMs(), 100 * r.wallMs() / wall, r.cpuMs(), 100 * r.cpuMs() / cpu);
    }
    out.printf(Locale.ROOT, "| total | | %.1f | 100 | %.1f | 100 |%n", wall, cpu);
  }

  /** The scan kernel's part of an evaluation pass ({@code scan}: the clock's totals over it). */
  static void evaluationScan(PrintStream out, TimedScan.Totals scan, double batches) {
    out.printf(Locale.ROOT, "Of which the scan kernel: %.0f ms wall, %.0f ms CPU per batch.%n",
        scan.forwardWall() / 1e6 / batches, scan.forwardCpu() / 1e6 / batches);
  }

  static void memory(PrintStream out) {
    Runtime r = Runtime.getRuntime();
    out.printf(Locale.ROOT, "Peak RSS so far: %d MiB; JVM heap used %d MiB of %d MiB"
        + " committed.%n", ProcessMemory.peakRssMb(), (r.totalMemory() - r.freeMemory()) >> 20,
        r.totalMemory() >> 20);
  }

  /**
   * The scan's exp bound, the cores a step kept busy, and last (issue 28 reads it) the scan kernel
   * and the whole step against the bound, all in CPU time per timed step.
   */
  static void bound(PrintStream out, StepProfiler p, int cores) {
    TimedScan.Totals scan = p.scanTotals();
    double elements = scan.elements() / (double) p.steps();
    double stepCpuMs = p.cpuMsPerStep();
    if (elements == 0) { // a baseline: no selective scan, so no exp bound to hold it to
      out.printf(Locale.ROOT, "No selective scan in this model: no scan bound. Whole step %.0f ms"
          + " CPU, %.2f of %d cores used (CPU time over wall time).%n", stepCpuMs,
          stepCpuMs / p.wallMsPerStep(), cores);
      return;
    }
    double expPerCpuSecond = expPerCpuSecond();
    // The forward computes one exp per element, the backward recomputes it.
    double boundCpuMs = 2.0 * elements / expPerCpuSecond * 1e3;
    double scanCpuMs = (scan.forwardCpu() + scan.backwardCpu()) / 1e6 / p.steps();
    out.printf(Locale.ROOT, "Scan exp bound: %.3g scan elements per step, 2 exps each (forward"
        + " + recompute), %.3g exp per CPU second -> %.0f ms CPU per step (%.0f ms on %d idle"
        + " cores).%n", elements, expPerCpuSecond, boundCpuMs, boundCpuMs / cores, cores);
    out.printf(Locale.ROOT, "Cores used per training step: %.2f of %d (CPU time over wall time).%n",
        stepCpuMs / p.wallMsPerStep(), cores);
    out.printf(Locale.ROOT, "Scan kernel fwd+bwd %.0f ms CPU = %.1fx the bound; whole step %.0f ms"
        + " CPU = %.1fx the bound.%n", scanCpuMs, scanCpuMs / boundCpuMs, stepCpuMs,
        stepCpuMs / boundCpuMs);
  }

  /**
   * The exp rate of one thread per CPU second, after a call that compiles the loop: it holds
   * however busy the shared cores are. ExpBound's own short warm-up inside the timed call adds a
   * few percent to both clocks.
   */
  static double expPerCpuSecond() {
    ExpBound.perSecond(1, 4096, 0.2);
    long w0 = System.nanoTime();
    long c0 = ProcessCpu.nanos();
    double expRate = ExpBound.perSecond(1, 4096, 1.0);
    return expRate * (System.nanoTime() - w0) / (ProcessCpu.nanos() - c0);
  }
}
