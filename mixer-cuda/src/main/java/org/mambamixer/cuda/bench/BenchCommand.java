package org.mambamixer.cuda.bench;

import org.mambamixer.api.cli.Command;
import org.mambamixer.api.cli.Flags;

/** {@code ./mambamixer bench}: the launcher's face of {@link ScanBench}. */
public final class BenchCommand implements Command {
  private static final Flags.Spec FLAGS = new Flags.Spec()
      .option("threads", "T", Integer.toString(Runtime.getRuntime().availableProcessors()),
          "kernel threads")
      .option("reps", "N", "7", "timed calls per measurement (the median is reported)")
      .option("ref-reps", "N", "3", "timed calls of the slow DJL reference")
      .option("shapes", "BxLxDxN,...", ScanBench.DEFAULT_SHAPES, "shapes to time")
      .flag("no-reference", "skip the DJL reference scan");

  @Override
  public String summary() {
    return "time the fused CPU scan against the DJL reference (ratios, exp-bound utilisation)";
  }

  @Override
  public Flags.Spec flags() {
    return FLAGS;
  }

  @Override
  public int run(Flags f) {
    ScanBench.run(f.positiveInt("threads"), f.positiveInt("reps"), f.positiveInt("ref-reps"),
        !f.bool("no-reference"), f.required("shapes"));
    return 0;
  }
}
