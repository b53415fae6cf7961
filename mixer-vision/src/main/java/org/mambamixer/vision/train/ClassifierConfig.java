package org.mambamixer.vision.train;

import static org.mambamixer.api.util.Tensors.requirePositive;

import org.mambamixer.runtime.train.LrSchedule;

/**
 * How a ViM2 classifier trains: AdamW with linear warm-up and cosine decay per epoch, label
 * smoothing, a seed for initialisation, shuffling and augmentation.
 *
 * @param maxBatchesPerEpoch cap on training batches per epoch (0: all), for smoke runs
 * @param recompute activation checkpointing: each sublayer's activations are recomputed in the
 *     backward instead of kept (less memory, about a fifth more time)
 */
public record ClassifierConfig(int epochs, int batchSize, int evalBatchSize, float lr,
    float minLr, int warmupEpochs, float weightDecay, float labelSmoothing, long seed,
    int maxBatchesPerEpoch, boolean recompute) {

  public ClassifierConfig {
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
    schedule(lr, minLr, warmupEpochs, epochs); // validates the rates
  }

  /** Without recomputation. */
  public ClassifierConfig(int epochs, int batchSize, int evalBatchSize, float lr, float minLr,
      int warmupEpochs, float weightDecay, float labelSmoothing, long seed,
      int maxBatchesPerEpoch) {
    this(epochs, batchSize, evalBatchSize, lr, minLr, warmupEpochs, weightDecay, labelSmoothing,
        seed, maxBatchesPerEpoch, false);
  }

  /** The paper's ImageNet recipe scaled to a short run: lr 1e-3, wd 0.05, smoothing 0.1. */
  public static ClassifierConfig defaults(int epochs, int batchSize, long seed) {
    return new ClassifierConfig(epochs, batchSize, 256, 1e-3f, 1e-5f, Math.min(1, epochs - 1),
        0.05f, 0.1f, seed, 0);
  }

  public LrSchedule schedule() {
    return schedule(lr, minLr, warmupEpochs, epochs);
  }

  private static LrSchedule schedule(float lr, float minLr, int warmup, int epochs) {
    return new LrSchedule(lr, minLr, warmup, epochs);
  }

  public ClassifierConfig withMaxBatchesPerEpoch(int n) {
    return new ClassifierConfig(epochs, batchSize, evalBatchSize, lr, minLr, warmupEpochs,
        weightDecay, labelSmoothing, seed, n, recompute);
  }

  public ClassifierConfig withLr(float peak, float floor) {
    return new ClassifierConfig(epochs, batchSize, evalBatchSize, peak, floor, warmupEpochs,
        weightDecay, labelSmoothing, seed, maxBatchesPerEpoch, recompute);
  }

  public ClassifierConfig withRecompute(boolean on) {
    return new ClassifierConfig(epochs, batchSize, evalBatchSize, lr, minLr, warmupEpochs,
        weightDecay, labelSmoothing, seed, maxBatchesPerEpoch, on);
  }
}
