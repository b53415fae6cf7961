package org.mambamixer.sequence.train;

import static org.mambamixer.api.util.Tensors.requirePositive;

import org.mambamixer.runtime.train.LrSchedule;

/**
 * How a sequence classifier trains: AdamW with linear warm-up and cosine decay, label smoothing, a
 * seed for initialisation and shuffling. The field names are those of ViM2's training config, so
 * the {@code train} object of both modalities' {@code config.json} reads alike.
 *
 * @param maxBatchesPerEpoch cap on training batches per epoch (0: all), for smoke runs
 * @param lrUpdate whether the rate moves once per epoch or after every batch
 */
public record SequenceTrainConfig(int epochs, int batchSize, int evalBatchSize, float lr,
    float minLr, int warmupEpochs, float weightDecay, float labelSmoothing, long seed,
    int maxBatchesPerEpoch, LrSchedule.Update lrUpdate) {

  public SequenceTrainConfig {
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
    // The fields are assigned only after this body, so the parameters are checked, not schedule().
    new LrSchedule(lr, minLr, warmupEpochs, epochs, lrUpdate);
  }

  public LrSchedule schedule() {
    return new LrSchedule(lr, minLr, warmupEpochs, epochs, lrUpdate);
  }
}
