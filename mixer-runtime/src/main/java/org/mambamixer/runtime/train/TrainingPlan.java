package org.mambamixer.runtime.train;

/**
 * The budget and schedule of a training run as the loop ({@link Trainer}) reads them. Each
 * modality keeps its own config record (its {@code config.json}'s {@code train} object) and
 * implements this view of it; what a record does not have keeps the defaults below.
 */
public interface TrainingPlan {

  int epochs();

  int batchSize();

  long seed();

  /** Cap on training batches per epoch (0: all), for smoke runs. */
  int maxBatchesPerEpoch();

  /** Whether activations are recomputed in the backward instead of kept. */
  boolean recompute();

  float weightDecay();

  /** The rate of batch {@code batch} (of {@code batches}) in {@code epoch} after {@code decays}. */
  float lr(int epoch, int batch, int batches, int decays);

  /** Training batches between validations inside an epoch (0: at epoch ends only). */
  default int valInterval() {
    return 0;
  }

  /** Validations without improvement that stop the run. */
  default int patience() {
    return Integer.MAX_VALUE;
  }

  /**
   * At a validation that is not the best, go back to the best checkpoint and multiply the rate by
   * this factor (0: never).
   */
  default float plateauDecay() {
    return 0;
  }

  /** Whether {@code decays} plateau decays took the rate of {@code epoch} below its floor. */
  default boolean lrSpent(int epoch, int decays) {
    return false;
  }

  /** Training batches of one epoch over {@code examples} (respecting the per-epoch cap). */
  default int batchesPerEpoch(long examples) {
    int all = Math.toIntExact((examples + batchSize() - 1) / batchSize());
    return maxBatchesPerEpoch() > 0 ? Math.min(all, maxBatchesPerEpoch()) : all;
  }
}
