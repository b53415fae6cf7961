package org.mambamixer.timeseries.model;

import java.util.function.UnaryOperator;
import org.mambamixer.timeseries.train.TrainConfig;

/**
 * A forecaster's own recipe, as its paper trained it: what {@code forecast --model NAME} runs
 * with when no flag says otherwise, so that a baseline is compared at the settings its published
 * number came from rather than at TSM2's. Typed flags still override each setting, and
 * {@code --budget} replaces the whole training part.
 *
 * @param lookback the input length of the paper's run
 * @param shape the paper's sizes (width, layers, dropout, patching) over the dataset's preset
 * @param train the paper's optimiser settings, batch, epochs and early stopping
 */
public record ForecastRecipe(int lookback, UnaryOperator<Tsm2Config> shape, TrainConfig train) {}
