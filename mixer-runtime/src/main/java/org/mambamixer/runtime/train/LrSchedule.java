package org.mambamixer.runtime.train;

/**
 * Linear warm-up, then cosine decay to {@code minLr}, per epoch.
 *
 * @param baseLr peak learning rate
 * @param minLr final learning rate
 * @param warmupEpochs epochs of linear warm-up (0 for none)
 * @param epochs total epochs
 */
public record LrSchedule(float baseLr, float minLr, int warmupEpochs, int epochs) {

  public LrSchedule {
    if (!(baseLr > 0) || minLr < 0 || minLr > baseLr) {
      throw new IllegalArgumentException(
          "learning rates must satisfy 0 <= minLr <= baseLr, baseLr > 0; got " + baseLr + ", " + minLr);
    }
    if (warmupEpochs < 0 || epochs <= 0) {
      throw new IllegalArgumentException("epochs must be positive and warmupEpochs >= 0");
    }
  }

  /** The learning rate of epoch {@code e} (0-based). */
  public float at(int e) {
    if (e < warmupEpochs) {
      return baseLr * (e + 1) / (warmupEpochs + 1);
    }
    int span = Math.max(1, epochs - warmupEpochs);
    double progress = Math.min(1.0, (double) (e - warmupEpochs) / span);
    return (float) (minLr + 0.5 * (baseLr - minLr) * (1 + Math.cos(Math.PI * progress)));
  }
}
