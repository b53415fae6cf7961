package org.mambamixer.runtime.train;

import static org.mambamixer.api.util.Tensors.requirePositive;


/**
 * How a classifier trains, in every modality that classifies (ViM2's images, the pixel-sequence
 * modality): AdamW with linear warm-up and cosine decay, label smoothing, a seed for
 * initialisation, shuffling and augmentation. One record, so the {@code train} object of their
 * {@code config.json} files is the same.
 *
 * @param maxBatchesPerEpoch cap on training batches per epoch (0: all), for smoke runs
 * @param recompute activation checkpointing: each sublayer's activations are recomputed in the
 *     backward instead of kept (less memory, about a fifth more time)
 * @param lrUpdate whether the rate moves once per epoch or after every batch; null (a config.json
 *     written before the option) reads as per epoch, what those runs trained with
 */
public record ClassifierConfig(int epochs, int batchSize, int evalBatchSize, float lr,
    float minLr, int warmupEpochs, float weightDecay, float labelSmoothing, long seed,
    int maxBatchesPerEpoch, boolean recompute, LrSchedule.Update lrUpdate) implements TrainingPlan {

  public ClassifierConfig {
    if (lrUpdate == null) {
      lrUpdate = LrSchedule.Update.EPOCH;
    }
    requirePositive("epochs", epochs);
    requirePositive("batchSize", batchSize);
    requirePositive("evalBatchSize", evalBatchSize);
    if (weightDecay < 0) {
      throw new IllegalArgumentException("weightDecay must be >= 0, got " + weightDecay);
    }
    if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
      throw new IllegalArgumentException("labelSmoothing must be in [0, 1), got " + labelSmoothing);
    }
    if (maxBatchesPerEpoch < 0) {
      throw new IllegalArgumentException("maxBatchesPerEpoch must be >= 0, got "
          + maxBatchesPerEpoch);
    }
    new LrSchedule(lr, minLr, warmupEpochs, epochs, lrUpdate); // validates the rates
  }

  /** Without recomputation, the rate updated per epoch. */
  public ClassifierConfig(int epochs, int batchSize, int evalBatchSize, float lr, float minLr,
      int warmupEpochs, float weightDecay, float labelSmoothing, long seed,
      int maxBatchesPerEpoch) {
    this(epochs, batchSize, evalBatchSize, lr, minLr, warmupEpochs, weightDecay, labelSmoothing,
        seed, maxBatchesPerEpoch, false, LrSchedule.Update.EPOCH);
  }

  /** The paper's ImageNet recipe scaled to a short run: lr 1e-3, wd 0.05, smoothing 0.1. */
  public static ClassifierConfig defaults(int epochs, int batchSize, long seed) {
    return new ClassifierConfig(epochs, batchSize, 256, 1e-3f, 1e-5f, Math.min(1, epochs - 1),
        0.05f, 0.1f, seed, 0);
  }

  public LrSchedule schedule() {
    return new LrSchedule(lr, minLr, warmupEpochs, epochs, lrUpdate);
  }

  @Override
  public float lr(int epoch, int batch, int batches, int decays) {
    return schedule().at(epoch, batch, batches);
  }

  public ClassifierConfig withMaxBatchesPerEpoch(int n) {
    return new ClassifierConfig(epochs, batchSize, evalBatchSize, lr, minLr, warmupEpochs,
        weightDecay, labelSmoothing, seed, n, recompute, lrUpdate);
  }

  public ClassifierConfig withLr(float peak, float floor) {
    return new ClassifierConfig(epochs, batchSize, evalBatchSize, peak, floor, warmupEpochs,
        weightDecay, labelSmoothing, seed, maxBatchesPerEpoch, recompute, lrUpdate);
  }

  public ClassifierConfig withRecompute(boolean on) {
    return new ClassifierConfig(epochs, batchSize, evalBatchSize, lr, minLr, warmupEpochs,
        weightDecay, labelSmoothing, seed, maxBatchesPerEpoch, on, lrUpdate);
  }

  public ClassifierConfig withLrUpdate(LrSchedule.Update update) {
    return new ClassifierConfig(epochs, batchSize, evalBatchSize, lr, minLr, warmupEpochs,
        weightDecay, labelSmoothing, seed, maxBatchesPerEpoch, recompute, update);
  }
}
