package org.mambamixer.ablations.bench;

import jakarta.inject.Inject;
import java.io.PrintStream;
import java.nio.file.Path;
import org.mambamixer.runtime.cli.LauncherCommand;
import org.mambamixer.runtime.cli.ScanOption;
import org.mambamixer.timeseries.model.ForecastCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./mambamixer bench-step}: one forecaster's training step timed by op family. TSM2 at the
 * issue's configuration by default (ETTh1-sized, lookback 512, horizon 96, d_model 32, batch 128);
 * {@code --model} names any other, which runs at its recipe.
 */
@Command(name = "bench-step", mixinStandardHelpOptions = true,
    description = "time a forecaster's training step by op family (scan, bridge, linear, conv,"
        + " norms, ...)")
public final class StepProfileCommand implements LauncherCommand {
  private static final TrainStepProfile.Options D = TrainStepProfile.Options.issueDefaults();

  @Option(names = "--model", paramLabel = "NAME", description = "a forecaster of `forecast"
      + " --model` (default: ${DEFAULT-VALUE}); one with a recipe (tsmixer, dlinear, patchtst)"
      + " runs at its lookback, sizes and batch, and the size flags below are TSM2's")
  String model = D.model();

  @Option(names = "--data", paramLabel = "CSV", description = "a series CSV (default: a random walk)")
  Path data;

  @Option(names = "--variates", paramLabel = "M") int variates = D.variates();
  @Option(names = "--windows", paramLabel = "W") int windows = D.windows();
  @Option(names = "--lookback", paramLabel = "T") int lookback = D.lookback();
  @Option(names = "--horizon", paramLabel = "H") int horizon = D.horizon();
  @Option(names = "--d-model", paramLabel = "D") int dModel = D.dModel();
  @Option(names = "--layers", paramLabel = "L") int layers = D.layers();
  @Option(names = "--d-state", paramLabel = "N") int dState = D.dState();
  @Option(names = "--patch", paramLabel = "P") int patch = D.patch();
  @Option(names = "--stride", paramLabel = "S") int stride = D.stride();
  @Option(names = "--batch-size", paramLabel = "B") int batchSize = D.batchSize();
  @Option(names = "--eval-batch-size", paramLabel = "B") int evalBatchSize = D.evalBatchSize();
  @Mixin StepOptions step;

  @Mixin ScanOption scanOption;

  private final ForecastCatalog catalog;

  @Inject
  public StepProfileCommand(ForecastCatalog catalog) {
    this.catalog = catalog;
  }

  @Override
  public Integer call() throws Exception {
    step.check();
    TrainStepProfile.run(new TrainStepProfile.Options(model, data, variates, windows, lookback, horizon,
        dModel, layers, dState, patch, stride, batchSize, evalBatchSize, step.steps, step.warmup,
        step.evalBatches, StepOptions.scan(scanOption.name()), !step.noEngineSplit,
        step.recompute), catalog, new PrintStream(System.out, true));
    return 0;
  }
}
