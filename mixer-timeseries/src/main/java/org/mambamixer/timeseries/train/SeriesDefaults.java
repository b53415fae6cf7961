package org.mambamixer.timeseries.train;

import java.util.Locale;
import org.mambamixer.timeseries.model.Tsm2Config;

/**
 * Settings for a series that has no preset, chosen from its length and width so that a first run
 * on a new CSV is sensible without tuning. Logged at the start of the run; every flag given
 * overrides its value, and the run's config.json records what was used.
 *
 * <ul>
 *   <li>lookback: 96, shortened (to a multiple of 4, at least 8) until the train split holds
 *       {@value #MIN_WINDOWS} windows;
 *   <li>patch: the largest power of two up to lookback / 6, between 2 and 16, stride half of it,
 *       so a lookback has about ten patches, as 16 / 8 gives at 96;
 *   <li>under {@value #SMALL_WINDOWS} training windows the series is small: d_model 16 and
 *       dropout 0.2, because a 32-wide model overfits a few hundred windows within an epoch;
 *   <li>epochs: enough for about {@value #TARGET_STEPS} optimiser steps over every batch (3 to
 *       30), patience 3, or 5 past 10 epochs; learning rate 1e-3.
 * </ul>
 *
 * @param trainWindows training windows at the chosen lookback and the longest horizon
 */
public record SeriesDefaults(String dataset, int trainRows, int variates, int lookback,
    int patch, int stride, int dModel, float dropout, int epochs, int patience,
    int trainWindows, int batchSize) {

  static final int MIN_WINDOWS = 128;
  static final int SMALL_WINDOWS = 2000;
  static final int TARGET_STEPS = 1000;
  private static final int DEFAULT_LOOKBACK = 96;
  private static final int MIN_LOOKBACK = 8;

  /**
   * @param lookback the lookback given by flag, or null to choose one
   * @param horizon the longest horizon of the run
   * @throws IllegalArgumentException when the train split cannot hold even an 8-step lookback
   */
  public static SeriesDefaults choose(String dataset, int trainRows, int variates,
      Integer lookback, int horizon, int batchSize) {
    int l = lookback != null ? lookback : DEFAULT_LOOKBACK;
    if (lookback == null && windows(trainRows, l, horizon) < MIN_WINDOWS) {
      l = (trainRows - horizon + 1 - MIN_WINDOWS) / 4 * 4;
    }
    if (l < MIN_LOOKBACK || windows(trainRows, l, horizon) < 1) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "%s: the train split has %d"
          + " rows, too few for horizon %d with a lookback of at least %d (it needs %d rows);"
          + " give a shorter --horizon", dataset, trainRows, horizon, MIN_LOOKBACK,
          MIN_LOOKBACK + horizon + MIN_WINDOWS - 1));
    }
    int patch = 2;
    while (patch * 2 <= Math.min(16, l / 6)) {
      patch *= 2;
    }
    int w = windows(trainRows, l, horizon);
    boolean small = w < SMALL_WINDOWS;
    int batches = (w + batchSize - 1) / batchSize;
    int epochs = Math.max(3, Math.min(30, (TARGET_STEPS + batches - 1) / batches));
    return new SeriesDefaults(dataset, trainRows, variates, l, patch, Math.max(1, patch / 2),
        small ? 16 : 32, small ? 0.2f : 0.1f, epochs, epochs > 10 ? 5 : 3, w, batchSize);
  }

  private static int windows(int rows, int lookback, int horizon) {
    return rows - lookback - horizon + 1;
  }

  /** The generic model at these sizes (flags are applied over it afterwards). */
  public Tsm2Config model(Tsm2Config generic) {
    return generic.withLookback(lookback).withModel(dModel, generic.layers())
        .withPatch(patch, stride).withDropout(dropout);
  }

  /** {@code budget} with these epochs, patience and every batch of each epoch. */
  public TrainConfig train(TrainConfig budget) {
    return budget.withEpochs(epochs).withPatience(patience).withMaxBatches(0);
  }

  /** One line for the log: what was chosen and from what. */
  public String describe() {
    return String.format(Locale.ROOT, "%s has no preset; defaults from its size (%d train rows,"
        + " %d variates, %d training windows): lookback %d, patch %d / stride %d, d_model %d,"
        + " dropout %.1f, %d epochs of every batch, patience %d. Flags override each.",
        dataset, trainRows, variates, trainWindows, lookback, patch, stride, dModel, dropout,
        epochs, patience);
  }
}
