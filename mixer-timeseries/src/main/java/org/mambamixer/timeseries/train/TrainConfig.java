package org.mambamixer.timeseries.train;

import static org.mambamixer.api.util.Tensors.requirePositive;

import org.mambamixer.runtime.train.LrDecay;
import org.mambamixer.runtime.train.LrSchedule;
import org.mambamixer.runtime.train.OneCycle;
import org.mambamixer.runtime.train.StepDecay;
import org.mambamixer.runtime.train.TrainingPlan;

/**
 * How TSM2 is trained (D11).
 *
 * @param epochs maximum epochs
 * @param batchSize training batch size
 * @param evalBatchSize evaluation batch size (the last partial batch is always kept)
 * @param lr peak learning rate
 * @param minLr final learning rate of the cosine schedule
 * @param warmupEpochs linear warm-up epochs
 * @param weightDecay AdamW decoupled weight decay on weight matrices
 * @param patience validations without a better validation MSE before stopping (epochs, when
 *     validation runs once per epoch)
 * @param maxBatchesPerEpoch cap on training batches per epoch (0 = all); a time budget for small
 *     machines, recorded in the run's config
 * @param seed the run's seed: parameters, dropout and shuffling derive from it
 * @param valInterval training batches between validations inside an epoch (0: only at its end).
 *     A long epoch can overfit before it ends; validating inside it lets early stopping and the
 *     best checkpoint see that. Patience then counts validations, not epochs.
 * @param plateauDecay 0 for none; else, at each validation that is not better than the best, the
 *     training goes back to the best checkpoint (weights and optimizer moments) and continues with
 *     its learning rate multiplied by this factor. This anneals where validation stops improving,
 *     however long the budget, instead of at a point fixed by the schedule in advance.
 * @param recompute activation checkpointing: each sublayer's activations are recomputed in the
 *     backward instead of kept from the forward (peak memory of one sublayer, about a third more
 *     compute). Dropout masks then come from another random stream, so it is part of the config.
 * @param minDelta the relative improvement a validation must make to count as better (a new best
 *     checkpoint, patience reset): better means below best x (1 - minDelta). With 0, a gain of
 *     1e-7 at a learning rate of 1e-8 resets patience and keeps a run training for nothing; a run
 *     config without this field (written before it existed) reads as 0.
 * @param stopLr 0 for none; else the run stops once plateau decays have taken the learning rate
 *     below this. On the protocol's 21 runs of 2026-11-29 training below the cosine floor (1e-5)
 *     was 43 % of all epochs and gained at most 0.34 % of validation MSE
 *     (docs/results-tsm2.md, "Where the rest of the budget goes"). Only decayed rates count, so a
 *     warm-up that starts low never stops a run. A config without this field reads as 0.
 * @param lrDecay null (a config without the field) or {@code cosine} for the cosine from
 *     {@code lr} to {@code minLr}; else an {@link LrDecay} by name: a {@link StepDecay}
 *     ({@code type1}, {@code type3}, {@code step:GAMMA:HOLD}) floored at {@code minLr}, or a
 *     {@link OneCycle} ({@code onecycle:PCT}) over every batch of the budget
 */
public record TrainConfig(
    int epochs, int batchSize, int evalBatchSize, float lr, float minLr, int warmupEpochs,
    float weightDecay, int patience, int maxBatchesPerEpoch, long seed, int valInterval,
    float plateauDecay, boolean recompute, float minDelta, float stopLr, String lrDecay)
    implements TrainingPlan {

  public TrainConfig {
    requirePositive("epochs", epochs);
    requirePositive("batchSize", batchSize);
    requirePositive("evalBatchSize", evalBatchSize);
    requirePositive("patience", patience);
    if (maxBatchesPerEpoch < 0) {
      throw new IllegalArgumentException("maxBatchesPerEpoch must be >= 0, got " + maxBatchesPerEpoch);
    }
    if (!(plateauDecay >= 0 && plateauDecay < 1)) {
      throw new IllegalArgumentException("plateauDecay must be in [0, 1), got " + plateauDecay);
    }
    if (valInterval < 0) {
      throw new IllegalArgumentException("valInterval must be >= 0, got " + valInterval);
    }
    if (!(minDelta >= 0 && minDelta < 1)) {
      throw new IllegalArgumentException("minDelta must be in [0, 1), got " + minDelta);
    }
    if (!(stopLr >= 0 && stopLr < lr)) {
      throw new IllegalArgumentException(
          "stopLr must be in [0, lr = " + lr + "), got " + stopLr);
    }
    if (weightDecay < 0) {
      throw new IllegalArgumentException("weightDecay must be >= 0, got " + weightDecay);
    }
    schedule(lr, minLr, warmupEpochs, epochs, lrDecay); // validates the rates and the decay
  }

  /** Validation once per epoch, at its end, and no decay on plateaus. */
  public TrainConfig(int epochs, int batchSize, int evalBatchSize, float lr, float minLr,
      int warmupEpochs, float weightDecay, int patience, int maxBatchesPerEpoch, long seed) {
    this(epochs, batchSize, evalBatchSize, lr, minLr, warmupEpochs, weightDecay, patience,
        maxBatchesPerEpoch, seed, 0, 0, false, 0, 0, null);
  }

  /** The cosine, or the step decay {@code decay} names; a one-cycle has no per-epoch schedule. */
  private static LrSchedule schedule(float lr, float minLr, int warmup, int epochs,
      String decay) {
    LrDecay d = decay == null ? null : LrDecay.parse(decay);
    return new LrSchedule(lr, minLr, warmup, epochs, LrSchedule.Update.EPOCH,
        d instanceof StepDecay step ? step : null);
  }

  public LrSchedule schedule() {
    return schedule(lr, minLr, warmupEpochs, epochs, lrDecay);
  }

  /** The short default budget of the README's first command: minutes on two cores. */
  public static TrainConfig quick() {
    return new TrainConfig(3, 32, 256, 1e-3f, 1e-5f, 0, 0.05f, 3, 120, 2021);
  }

  /**
   * The budget of the paper protocol: up to 10 epochs of every batch, validated every 40 batches
   * (1,280 windows), and at each validation that is not the best, back to the best checkpoint with
   * the learning rate x 0.3; four such validations in a row stop the run. A validation counts as
   * better only when it gains 1e-4 of the best (relative, as PyTorch's ReduceLROnPlateau): on
   * ETTh1 H336 gains of 6e-6 at a rate of 7e-8 kept a run going from epoch 1.98 to 2.66. At
   * lookback 512 the ETTh presets overfit within 150 batches of the first epoch, so validation once per epoch or a
   * schedule that decays on its own clock finds a worse model than the quick budget's
   * (docs/results-tsm2.md, "The full budget").
   */
  public static TrainConfig full() {
    return new TrainConfig(10, 32, 256, 1e-3f, 1e-5f, 1, 0.05f, 4, 0, 2021, 40, 0.3f, false, 1e-4f,
        0, null);
  }

  public TrainConfig withEpochs(int e) {
    return new TrainConfig(e, batchSize, evalBatchSize, lr, minLr, Math.min(warmupEpochs, e - 1),
        weightDecay, patience, maxBatchesPerEpoch, seed, valInterval, plateauDecay, recompute,
        minDelta, stopLr, lrDecay);
  }

  public TrainConfig withBatch(int b) {
    return new TrainConfig(epochs, b, evalBatchSize, lr, minLr, warmupEpochs, weightDecay, patience,
        maxBatchesPerEpoch, seed, valInterval, plateauDecay, recompute, minDelta, stopLr, lrDecay);
  }

  public TrainConfig withEvalBatch(int b) {
    return new TrainConfig(epochs, batchSize, b, lr, minLr, warmupEpochs, weightDecay,
        patience, maxBatchesPerEpoch, seed, valInterval, plateauDecay, recompute, minDelta, stopLr, lrDecay);
  }

  public TrainConfig withLr(float rate) {
    return new TrainConfig(epochs, batchSize, evalBatchSize, rate, Math.min(minLr, rate),
        warmupEpochs, weightDecay, patience, maxBatchesPerEpoch, seed, valInterval, plateauDecay,
        recompute, minDelta, stopLr, lrDecay);
  }

  public TrainConfig withPatience(int p) {
    return new TrainConfig(epochs, batchSize, evalBatchSize, lr, minLr, warmupEpochs, weightDecay,
        p, maxBatchesPerEpoch, seed, valInterval, plateauDecay, recompute, minDelta, stopLr, lrDecay);
  }

  public TrainConfig withMaxBatches(int n) {
    return new TrainConfig(epochs, batchSize, evalBatchSize, lr, minLr, warmupEpochs, weightDecay,
        patience, n, seed, valInterval, plateauDecay, recompute, minDelta, stopLr, lrDecay);
  }

  public TrainConfig withSeed(long s) {
    return new TrainConfig(epochs, batchSize, evalBatchSize, lr, minLr, warmupEpochs, weightDecay,
        patience, maxBatchesPerEpoch, s, valInterval, plateauDecay, recompute, minDelta, stopLr, lrDecay);
  }

  public TrainConfig withWeightDecay(float wd) {
    return new TrainConfig(epochs, batchSize, evalBatchSize, lr, minLr, warmupEpochs, wd, patience,
        maxBatchesPerEpoch, seed, valInterval, plateauDecay, recompute, minDelta, stopLr, lrDecay);
  }

  public TrainConfig withValInterval(int batches) {
    return new TrainConfig(epochs, batchSize, evalBatchSize, lr, minLr, warmupEpochs, weightDecay,
        patience, maxBatchesPerEpoch, seed, batches, plateauDecay, recompute, minDelta, stopLr, lrDecay);
  }

  public TrainConfig withPlateauDecay(float factor) {
    return new TrainConfig(epochs, batchSize, evalBatchSize, lr, minLr, warmupEpochs, weightDecay,
        patience, maxBatchesPerEpoch, seed, valInterval, factor, recompute, minDelta, stopLr, lrDecay);
  }

  public TrainConfig withMinDelta(float d) {
    return new TrainConfig(epochs, batchSize, evalBatchSize, lr, minLr, warmupEpochs, weightDecay,
        patience, maxBatchesPerEpoch, seed, valInterval, plateauDecay, recompute, d, stopLr, lrDecay);
  }

  public TrainConfig withStopLr(float rate) {
    return new TrainConfig(epochs, batchSize, evalBatchSize, lr, minLr, warmupEpochs, weightDecay,
        patience, maxBatchesPerEpoch, seed, valInterval, plateauDecay, recompute, minDelta, rate, lrDecay);
  }

  /**
   * The learning rate of epoch {@code epoch} after {@code decays} plateau decays; under a
   * one-cycle, its curve sampled at epoch starts.
   */
  public double lrAt(int epoch, int decays) {
    OneCycle c = oneCycle();
    double at = c != null ? lr * c.factor(epoch, epochs) : schedule().at(epoch);
    return at * Math.pow(plateauDecay, decays);
  }

  /** The rate of a whole epoch, as TSM2's schedule moves; a one-cycle's moves every batch. */
  @Override
  public float lr(int epoch, int batch, int batches, int decays) {
    OneCycle c = oneCycle();
    if (c != null) {
      return (float) (lr * c.factor((long) epoch * batches + batch, (long) epochs * batches)
          * Math.pow(plateauDecay, decays));
    }
    return (float) lrAt(epoch, decays);
  }

  private OneCycle oneCycle() {
    return lrDecay != null && LrDecay.parse(lrDecay) instanceof OneCycle c ? c : null;
  }

  /** Whether plateau decays have taken the rate below {@link #stopLr}: the run is over. */
  @Override
  public boolean lrSpent(int epoch, int decays) {
    return stopLr > 0 && decays > 0 && lrAt(epoch, decays) < stopLr;
  }

  /** Whether validation MSE {@code mse} is better enough than {@code best} to count. */
  public boolean improves(double mse, double best) {
    return mse < best * (1 - (double) minDelta);
  }

  /** The schedule by name: {@code cosine}, or a {@link StepDecay}'s. */
  public TrainConfig withLrDecay(String name) {
    return new TrainConfig(epochs, batchSize, evalBatchSize, lr, minLr, warmupEpochs, weightDecay,
        patience, maxBatchesPerEpoch, seed, valInterval, plateauDecay, recompute, minDelta, stopLr,
        name);
  }

  public TrainConfig withRecompute(boolean on) {
    return new TrainConfig(epochs, batchSize, evalBatchSize, lr, minLr, warmupEpochs, weightDecay,
        patience, maxBatchesPerEpoch, seed, valInterval, plateauDecay, on, minDelta, stopLr, lrDecay);
  }

  /** Validations per epoch of {@code batches} training batches. */
  public int validationsPerEpoch(int batches) {
    return valInterval == 0 ? 1 : (batches + valInterval - 1) / valInterval;
  }
}
