package org.mambamixer.runtime.train;

import java.util.Locale;

/**
 * Linear warm-up, then cosine decay to {@code minLr}, updated once per epoch or after every batch;
 * or, with a {@link StepDecay}, the warm-up followed by that step per epoch, never below
 * {@code minLr}.
 *
 * <p>Per epoch, each epoch trains at one rate, so the last epoch sits at {@code (epochs - 1 -
 * warmupEpochs) / (epochs - warmupEpochs)} of the way down: with few epochs it never gets near the
 * floor (4 epochs with one of warm-up end at a quarter of the peak). Per batch the same curve is
 * followed update by update, as timm schedules on updates, and the last batch is within one
 * update of the floor however the budget is cut into epochs.
 *
 * @param baseLr peak learning rate
 * @param minLr final learning rate
 * @param warmupEpochs epochs of linear warm-up (0 for none)
 * @param epochs total epochs
 * @param update how often the rate moves along the curve
 * @param decay a step per epoch in place of the cosine, or null for the cosine; a step decay
 *     moves once per epoch even where {@code update} is per batch, as the scripts it comes from
 */
public record LrSchedule(float baseLr, float minLr, int warmupEpochs, int epochs, Update update,
    StepDecay decay) {

  /** How often the learning rate follows the schedule. */
  public enum Update {
    /** One rate per epoch: what every run before the option trained with. */
    EPOCH,
    /** A new rate for every training batch. */
    BATCH;

    /** The value of a {@code --lr-update} flag: {@code epoch} or {@code batch}. */
    public static Update parse(String name) {
      for (Update u : values()) {
        if (u.name().equalsIgnoreCase(name)) {
          return u;
        }
      }
      throw new IllegalArgumentException("unknown learning-rate update '" + name
          + "' (epoch or batch)");
    }

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public LrSchedule {
    if (!(baseLr > 0) || minLr < 0 || minLr > baseLr) {
      throw new IllegalArgumentException(
          "learning rates must satisfy 0 <= minLr <= baseLr, baseLr > 0; got " + baseLr + ", " + minLr);
    }
    if (warmupEpochs < 0 || epochs <= 0) {
      throw new IllegalArgumentException("epochs must be positive and warmupEpochs >= 0");
    }
    if (update == null) {
      throw new IllegalArgumentException("update must be EPOCH or BATCH, got null");
    }
  }

  /** The cosine. */
  public LrSchedule(float baseLr, float minLr, int warmupEpochs, int epochs, Update update) {
    this(baseLr, minLr, warmupEpochs, epochs, update, null);
  }

  /** The cosine, updated once per epoch. */
  public LrSchedule(float baseLr, float minLr, int warmupEpochs, int epochs) {
    this(baseLr, minLr, warmupEpochs, epochs, Update.EPOCH);
  }

  /** The learning rate of epoch {@code e} (0-based) of a schedule updated per epoch. */
  public float at(int e) {
    if (update == Update.BATCH && decay == null) {
      throw new IllegalStateException("a schedule updated per batch has no rate per epoch;"
          + " ask at(epoch, batch, batchesPerEpoch)");
    }
    if (e < warmupEpochs) {
      return baseLr * (e + 1) / (warmupEpochs + 1);
    }
    if (decay != null) {
      return (float) Math.max(minLr, baseLr * decay.factor(e - warmupEpochs));
    }
    return cosine(e - warmupEpochs, epochs - warmupEpochs);
  }

  /**
   * The learning rate of batch {@code b} (0-based) of epoch {@code e}, epochs being
   * {@code batchesPerEpoch} batches long; per epoch, {@link #at(int) at(e)} whatever the batch.
   */
  public float at(int e, int b, int batchesPerEpoch) {
    if (batchesPerEpoch <= 0 || b < 0 || b >= batchesPerEpoch) {
      throw new IllegalArgumentException("need 0 <= batch < batchesPerEpoch, got batch " + b
          + " of " + batchesPerEpoch);
    }
    if (update == Update.EPOCH || decay != null) {
      return at(e);
    }
    long step = (long) e * batchesPerEpoch + b;
    long warmup = (long) warmupEpochs * batchesPerEpoch;
    if (step < warmup) {
      return baseLr * (step + 1) / warmup; // reaches the peak at the warm-up's last batch
    }
    return cosine(step - warmup, (long) epochs * batchesPerEpoch - warmup);
  }

  /** The cosine from {@code baseLr} down to {@code minLr}, {@code done} of {@code span} steps in. */
  private float cosine(long done, long span) {
    double progress = Math.min(1.0, (double) done / Math.max(1, span));
    return (float) (minLr + 0.5 * (baseLr - minLr) * (1 + Math.cos(Math.PI * progress)));
  }
}
