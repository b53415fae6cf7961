package org.mambamixer.cuda.bench;

import org.mambamixer.runtime.cli.LauncherCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./mambamixer bench}: times the fused CPU scan against the DJL reference ({@link ScanBench}). */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "time the fused CPU scan against the DJL reference (ratios, exp-bound use)")
public final class BenchCommand implements LauncherCommand {
  @Option(names = "--threads", paramLabel = "T", description = "kernel threads (default: cores)")
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(names = "--reps", paramLabel = "N", defaultValue = "7",
      description = "timed calls per measurement, median reported (default: ${DEFAULT-VALUE})")
  int reps;

  @Option(names = "--ref-reps", paramLabel = "N", defaultValue = "3",
      description = "timed calls of the slow DJL reference (default: ${DEFAULT-VALUE})")
  int refReps;

  @Option(names = "--shapes", paramLabel = "BxLxDxN,...", defaultValue = ScanBench.DEFAULT_SHAPES,
      description = "shapes to time (default: ${DEFAULT-VALUE})")
  String shapes;

  @Option(names = "--no-reference", description = "skip the DJL reference scan")
  boolean noReference;

  /** For {@code java -cp ... org.mambamixer.cuda.bench.BenchCommand} without the launcher. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new BenchCommand()).execute(args));
  }

  @Override
  public Integer call() {
    ScanBench.run(threads, reps, refReps, !noReference, shapes);
    return 0;
  }
}
