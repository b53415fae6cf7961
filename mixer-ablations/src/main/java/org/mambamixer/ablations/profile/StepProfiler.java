package org.mambamixer.ablations.profile;

import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mambamixer.ablations.profile.OpTrace.Region;
import org.mambamixer.runtime.train.TrainingListener;

/**
 * Times training steps from outside the model, as a listener of the training loop: {@code warmup}
 * untimed batches, then {@code steps} batches timed by the loop's phases (wall and process CPU),
 * then, when a trace file is given, one batch under libtorch's profiler. Within a phase the scan
 * backend's own time comes from a {@link TimedScan} around it; the rest of the forward and the
 * backward is split by op family in the proportions of the profiled batch's {@link OpTrace}
 * (the profiler slows small ops down, so only its proportions are used). Time outside every phase
 * (all of the step, with a loop that reports none) is split by the whole trace.
 */
public final class StepProfiler implements TrainingListener {
  /** The part a step spends outside the loop's phases. */
  public static final String OUTSIDE = "step";

  /** Time of one family within one part, per timed step. */
  public record Row(String part, String family, double wallMs, double cpuMs) {}

  /** A phase's clocks over the timed steps. */
  private static final class Part {
    long wall;
    long cpu;
    TimedScan.Totals scan = TimedScan.Totals.ZERO;
  }

  private final int warmup;
  private final int steps;
  private final Path trace;
  private final TimedScan scan;
  private final long[] stepNanos;
  private final Map<String, Part> parts = new LinkedHashMap<>();
  private int begun;
  private String part;
  private long stepStart;
  private long mark;
  private long markCpu;
  private TimedScan.Totals markScan;

  /**
   * @param trace where the profiled batch's libtorch trace goes; null for none
   * @param scan the clock around the model's scan backend
   */
  public StepProfiler(int warmup, int steps, Path trace, TimedScan scan) {
    this.warmup = warmup;
    this.steps = steps;
    this.trace = trace;
    this.scan = scan;
    this.stepNanos = new long[steps];
  }

  /** Training batches the profiler needs. */
  public int batches() {
    return warmup + steps + (trace != null ? 1 : 0);
  }

  private int timed() {
    return begun - 1 - warmup;
  }

  private boolean timing() {
    return part != null;
  }

  @Override
  public void onBatchBegin(int epoch, int batch) {
    begun++;
    int t = timed();
    if (t >= 0 && t < steps) {
      stepStart = System.nanoTime();
      mark = stepStart;
      markCpu = ProcessCpu.nanos();
      markScan = scan.totals();
      part = OUTSIDE;
    } else if (t == steps && trace != null) {
      JniUtils.startProfile(false, false, false);
    }
  }

  @Override
  public void onPhase(Phase phase) {
    if (timing()) {
      charge(System.nanoTime());
      part = phase.name().toLowerCase(Locale.ROOT);
    }
  }

  @Override
  public void onBatchEnd(int epoch, int batch, int batches, float loss) {
    if (timing()) {
      long now = System.nanoTime();
      charge(now);
      stepNanos[timed()] = now - stepStart;
      part = null;
    } else if (timed() == steps && trace != null) {
      JniUtils.stopProfile(trace.toString());
    }
  }

  /** Charges the time since the last mark to the current part. */
  private void charge(long now) {
    long cpu = ProcessCpu.nanos();
    TimedScan.Totals s = scan.totals();
    Part p = parts.computeIfAbsent(part, k -> new Part());
    p.wall += now - mark;
    p.cpu += cpu - markCpu;
    p.scan = p.scan.plus(s.minus(markScan));
    mark = now;
    markCpu = cpu;
    markScan = s;
  }

  /**
   * Per timed step, by part in the order the loop ran them: the scan kernel's forward and
   * backward, then the rest of the part, split by {@code split}'s families where the part is the
   * forward, the backward or the unphased step, else whole.
   *
   * @param split the profiled batch's trace; null leaves every part whole
   */
  public List<Row> rows(OpTrace split) {
    List<Row> rows = new ArrayList<>();
    for (Map.Entry<String, Part> e : parts.entrySet()) {
      String name = e.getKey();
      Part p = e.getValue();
      TimedScan.Totals s = p.scan;
      if (s.forwardCalls() > 0) {
        rows.add(row(name, "scan kernel forward", s.forwardWall(), s.forwardCpu()));
      }
      if (s.backwardCalls() > 0) {
        rows.add(row(name, "scan kernel backward", s.backwardWall(), s.backwardCpu()));
      }
      long wall = p.wall - s.forwardWall() - s.backwardWall();
      long cpu = p.cpu - s.forwardCpu() - s.backwardCpu();
      Map<String, Double> families = new LinkedHashMap<>();
      for (Region r : regions(name)) {
        if (split != null) {
          families.putAll(split.micros(r));
        }
      }
      double total = families.values().stream().mapToDouble(Double::doubleValue).sum();
      if (total > 0) {
        families.forEach((f, us) -> rows.add(row(name, f, wall * us / total, cpu * us / total)));
      } else {
        rows.add(row(name, name.equals(OUTSIDE) ? "outside the loop's phases"
            : "engine ops and loop code", wall, cpu));
      }
    }
    return rows;
  }

  private Row row(String part, String family, double wallNanos, double cpuNanos) {
    return new Row(part, family, wallNanos / 1e6 / steps, cpuNanos / 1e6 / steps);
  }

  /**
   * The trace regions that share out a part's engine time: the whole trace for the step of a loop
   * that reports no phases; none for the moments outside them of one that does.
   */
  private List<Region> regions(String part) {
    return switch (part) {
      case "forward" -> List.of(Region.FORWARD);
      case "backward" -> List.of(Region.BACKWARD);
      case OUTSIDE -> parts.size() == 1 ? List.of(Region.values()) : List.of();
      default -> List.of();
    };
  }

  /** Wall milliseconds of one timed step, all parts, from the parts' clocks. */
  public double wallMsPerStep() {
    return parts.values().stream().mapToLong(p -> p.wall).sum() / 1e6 / steps;
  }

  /** Process CPU milliseconds of one timed step. */
  public double cpuMsPerStep() {
    return parts.values().stream().mapToLong(p -> p.cpu).sum() / 1e6 / steps;
  }

  /** The scan backend's totals over the timed steps. */
  public TimedScan.Totals scanTotals() {
    return parts.values().stream().map(p -> p.scan)
        .reduce(TimedScan.Totals.ZERO, TimedScan.Totals::plus);
  }

  /** Timed steps. */
  public int steps() {
    return steps;
  }

  /** Median wall time of a timed step, from batch begin to batch end. */
  public double medianStepMs() {
    long[] s = stepNanos.clone();
    Arrays.sort(s);
    int n = s.length;
    return (n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0) / 1e6;
  }

  /** Mean wall time of a timed step. */
  public double meanStepMs() {
    return Arrays.stream(stepNanos).average().orElse(0) / 1e6;
  }
}
