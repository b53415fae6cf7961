package org.mambamixer.runtime.train;

/**
 * A learning rate that steps down once per epoch: {@code lr x gamma^max(0, e - hold)} for epoch
 * {@code e} (0-based), the schedules the forecasting baselines' own code trains with in place of
 * a cosine.
 *
 * <p>Their scripts set the next epoch's rate after each epoch ends, from the 1-based number of
 * the epoch just finished, so each holds its rate one epoch longer than its formula reads:
 * LTSF-Linear's {@code lradj type1} ({@code 0.5^((epoch - 1) // 1)}) trains epochs 0 and 1 at the
 * peak and halves from epoch 2, {@code (0.5, 1)}; PatchTST's {@code type3} ({@code 0.9^(epoch -
 * 3)} from epoch 3) trains four epochs at the peak, then x 0.9 per epoch, {@code (0.9, 3)}.
 *
 * @param gamma the factor per epoch, in (0, 1]
 * @param hold epochs after the warm-up before the first step, past the first one
 */
public record StepDecay(float gamma, int hold) implements LrDecay {
  /** LTSF-Linear's (DLinear's) {@code type1}: halved every epoch from the third. */
  public static final StepDecay TYPE1 = new StepDecay(0.5f, 1);
  /** PatchTST's {@code type3}: four epochs at the peak, then x 0.9 per epoch. */
  public static final StepDecay TYPE3 = new StepDecay(0.9f, 3);

  public StepDecay {
    if (!(gamma > 0 && gamma <= 1)) {
      throw new IllegalArgumentException("a step decay's factor must be in (0, 1], got " + gamma);
    }
    if (hold < 0) {
      throw new IllegalArgumentException("a step decay's hold must be >= 0, got " + hold);
    }
  }

  /** The factor on the peak rate at epoch {@code e} of the decay (0-based, after any warm-up). */
  public double factor(int e) {
    return Math.pow(gamma, Math.max(0, e - hold));
  }

  @Override
  public String name() {
    if (equals(TYPE1)) {
      return "type1";
    }
    if (equals(TYPE3)) {
      return "type3";
    }
    return "step:" + gamma + ":" + hold;
  }
}
