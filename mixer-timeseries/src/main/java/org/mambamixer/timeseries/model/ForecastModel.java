package org.mambamixer.timeseries.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.util.Optional;
import org.mambamixer.api.block.MixerChoice;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.api.scan.SelectiveScan;

/**
 * A forecaster the {@code forecast} command can train, chosen by name ({@code --model}): TSM2
 * here, baselines where another module registers them. Maps {@code x (B, T, M)} (plus the
 * auxiliary inputs its config enables) to {@code (B, H, M)}.
 */
public interface ForecastModel extends Block {

  /** The shapes of the forward inputs for a batch of {@code b} windows. */
  Shape[] inputShapes(long b);

  /** Builds a model by name; registered in the forecast-model registry. */
  interface Factory {
    /** The variants this model is built from unless the command line names others. */
    MixerChoice variants();

    ForecastModel create(Tsm2Config config, Variants variants, SelectiveScan scan);

    /** One line for {@code ./mambamixer variants}-style listings and errors. */
    String description();

    /**
     * The settings this model runs with on {@code dataset} (a series name, as {@code ETTm1}) when
     * named alone: its authors' for that dataset, or their default where they published none;
     * empty for the dataset's preset and the {@code --budget} (TSM2's own defaults). Every
     * dataset's recipe has the same lookback.
     */
    default Optional<ForecastRecipe> recipe(String dataset) {
      return Optional.empty();
    }
  }
}
