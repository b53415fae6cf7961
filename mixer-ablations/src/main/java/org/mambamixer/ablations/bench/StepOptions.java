package org.mambamixer.ablations.bench;

import picocli.CommandLine.Option;

/** The options both step profilers share: how many steps, the profiled step, recomputation. */
public final class StepOptions {
  @Option(names = "--steps", paramLabel = "N", defaultValue = "5", description = "timed steps")
  int steps;

  @Option(names = "--warmup", paramLabel = "N", defaultValue = "2",
      description = "untimed steps first (at least 1: the timer starts after one)")
  int warmup;

  @Option(names = "--eval-batches", paramLabel = "N", defaultValue = "2",
      description = "evaluation batches timed after the steps (0: none)")
  int evalBatches;

  @Option(names = "--no-engine-split",
      description = "skip the extra step under libtorch's profiler (op families of the rest)")
  boolean noEngineSplit;

  @Option(names = "--recompute",
      description = "recompute each sublayer's activations in the backward (less memory)")
  boolean recompute;

  /** Refuses counts the profilers cannot run, naming the flag. */
  void check() {
    if (warmup < 1 || steps < 1 || evalBatches < 0) {
      throw new IllegalArgumentException("--warmup and --steps must be at least 1 and"
          + " --eval-batches at least 0; got " + warmup + ", " + steps + ", " + evalBatches);
    }
  }

  /** The scan backend to time: the fused CPU mixer unless a backend is named. */
  static String scan(String named) {
    return "auto".equals(named) ? "fused" : named;
  }
}
