package org.mambamixer.ablations.bench;

import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.mambamixer.api.util.OpTimer;
import org.mambamixer.api.util.OpTimer.Family;
import org.mambamixer.runtime.train.TrainingListener;

/**
 * What both step profilers do after each training batch: {@code warmup} untimed batches, then
 * {@code steps} batches timed by op family ({@link OpTimer}), then, when a trace file is given, one
 * batch under libtorch's profiler (the engine backward by autograd node).
 */
final class StepWindow implements TrainingListener {
  private final int warmup;
  private final int steps;
  private final Path trace;
  private final long[] stepNanos;
  private long mark;
  private Map<Family, Long> wall;
  private Map<Family, Long> cpu;
  private long scanElements;

  /** @param trace where the profiled batch's trace goes; null for no profiled batch */
  StepWindow(int warmup, int steps, Path trace) {
    this.warmup = warmup;
    this.steps = steps;
    this.trace = trace;
    this.stepNanos = new long[steps];
  }

  /** Training batches the window needs. */
  int batches() {
    return warmup + steps + (trace != null ? 1 : 0);
  }

  @Override
  public void onBatchEnd(int epoch, int index, int batches, float loss) {
    int timed = index - warmup;
    if (timed >= 0 && timed < steps) {
      stepNanos[timed] = System.nanoTime() - mark;
    }
    if (timed == steps - 1) {
      OpTimer.stop();
      wall = OpTimer.totals();
      cpu = OpTimer.cpuTotals();
      scanElements = OpTimer.scanElements() / steps;
      if (trace != null) {
        JniUtils.startProfile(false, false, false);
      }
    } else if (timed == steps && trace != null) {
      JniUtils.stopProfile(trace.toString());
    }
    if (timed == -1) {
      OpTimer.start();
    }
    mark = System.nanoTime();
  }

  /** Wall nanoseconds per family over the timed steps. */
  Map<Family, Long> wall() {
    return wall;
  }

  /** Process CPU nanoseconds per family over the timed steps. */
  Map<Family, Long> cpu() {
    return cpu;
  }

  /** Scan elements (b, d, l, n) of one timed step. */
  long scanElementsPerStep() {
    return scanElements;
  }

  double medianStepMs() {
    long[] s = stepNanos.clone();
    Arrays.sort(s);
    int n = s.length;
    return (n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0) / 1e6;
  }

  double meanStepMs() {
    return Arrays.stream(stepNanos).average().orElse(0) / 1e6;
  }
}
