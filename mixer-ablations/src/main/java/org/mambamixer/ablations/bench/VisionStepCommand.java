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
  @Mixin StepOptions step;

  @Mixin ScanOption scanOption;

  private final Variants variants;

  @Inject
  public VisionStepCommand(Variants variants) {
    this.variants = variants;
  }

  @Override
  public Integer call() throws Exception {
    step.check();
    if (batchSize < 1 || evalBatchSize < 1) {
      throw new IllegalArgumentException("--batch-size and --eval-batch-size must be at least 1");
    }
    Vim2Config.preset(model); // an unknown name fails here, listing the known ones
    VisionStepProfile.run(new VisionStepProfile.Options(model, widths, batchSize, evalBatchSize,
        step.steps, step.warmup, step.evalBatches, StepOptions.scan(scanOption.name()),
        step.recompute, !step.noEngineSplit), variants, new PrintStream(System.out, true));
    return 0;
  }
}
