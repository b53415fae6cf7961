package org.mambamixer.ablations.bench;

import jakarta.inject.Inject;
import java.io.PrintStream;
import java.util.List;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.runtime.cli.LauncherCommand;
import org.mambamixer.runtime.cli.ScanOption;
import org.mambamixer.vision.model.Vim2Config;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./mambamixer bench-vim2-step}: one ViM2 classification training step timed by op family,
 * at {@code classify}'s Fashion-MNIST setting by default (vim2-tiny-28, batch 32).
 */
@Command(name = "bench-vim2-step", mixinStandardHelpOptions = true,
    description = "time a ViM2 classification training step by op family (scan, bridge, linear,"
        + " conv, ...)")
public final class VisionStepCommand implements LauncherCommand {
  @Option(names = "--model", paramLabel = "NAME", defaultValue = "vim2-tiny-28",
      description = "a ViM2 preset (default: ${DEFAULT-VALUE})")
  String model;

  @Option(names = "--widths", paramLabel = "W", split = ",",
      description = "per-stage widths instead of the preset's, e.g. 24,48")
  List<Integer> widths;

  @Option(names = "--batch-size", paramLabel = "B", defaultValue = "32") int batchSize;
  @Option(names = "--eval-batch-size", paramLabel = "B", defaultValue = "64") int evalBatchSize;
  @Option(names = "--steps", paramLabel = "N", defaultValue = "4", description = "timed steps")
  int steps;
  @Option(names = "--warmup", paramLabel = "N", defaultValue = "2",
      description = "untimed steps first") int warmup;
  @Option(names = "--eval-batches", paramLabel = "N", defaultValue = "1") int evalBatches;

  @Option(names = "--no-engine-split",
      description = "skip the extra step under libtorch's profiler (backward by autograd node)")
  boolean noEngineSplit;

  @Option(names = "--recompute",
      description = "recompute each sublayer's activations in the backward (less memory)")
  boolean recompute;

  @Mixin ScanOption scanOption;

  private final Variants variants;

  @Inject
  public VisionStepCommand(Variants variants) {
    this.variants = variants;
  }

  @Override
  public Integer call() throws Exception {
    if (warmup < 1 || steps < 1 || batchSize < 1 || evalBatchSize < 1 || evalBatches < 0) {
      throw new IllegalArgumentException("--warmup, --steps, --batch-size and --eval-batch-size"
          + " must be at least 1 and --eval-batches at least 0");
    }
    Vim2Config.preset(model); // an unknown name fails here, listing the known ones
    String scan = "auto".equals(scanOption.name()) ? "cpu" : scanOption.name();
    VisionStepProfile.run(new VisionStepProfile.Options(model, widths, batchSize, evalBatchSize,
        steps, warmup, evalBatches, scan, recompute, !noEngineSplit), variants, new PrintStream(System.out, true));
    return 0;
  }
}
