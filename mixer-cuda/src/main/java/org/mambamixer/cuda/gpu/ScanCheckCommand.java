package org.mambamixer.cuda.gpu;

import java.util.ArrayList;
import java.util.List;
import org.mambamixer.api.cli.Command;
import org.mambamixer.api.cli.Flags;

/**
 * {@code ./mambamixer scan-check}: the launcher's face of {@link ScanCheck}, which also runs on
 * its own from the GPU bundle (no DJL, no Maven; see docs/gpu.md).
 */
public final class ScanCheckCommand implements Command {
  private static final Flags.Spec FLAGS = new Flags.Spec()
      .option("backend", "cuda|cpu", "cuda",
          "cuda: CUDA kernel vs CPU kernel; cpu: CPU kernel vs a float64 scalar oracle")
      .option("reps", "N", "5", "timing repetitions (0 skips timing)")
      .flag("quick", "a few small shapes only");

  @Override
  public String summary() {
    return "compare a scan kernel with a trusted one on random inputs (errors, timings)";
  }

  @Override
  public Flags.Spec flags() {
    return FLAGS;
  }

  @Override
  public int run(Flags f) {
    List<String> args = new ArrayList<>(List.of("--backend", f.choice("backend", "cuda", "cpu"),
        "--reps", Integer.toString(f.integer("reps"))));
    if (f.bool("quick")) {
      args.add("--quick");
    }
    return ScanCheck.run(args.toArray(String[]::new), System.out);
  }
}
