package org.mambamixer.runtime.train;

/**
 * PyTorch's {@code OneCycleLR} with its defaults, as PatchTST trains its 15-minute and weather
 * sets ({@code lradj TST}): the rate climbs from peak / 25 to the peak along a half cosine over
 * the first {@code pctStart} of all training batches, then falls along another to
 * peak / 25 / 10^4, a new rate every batch. The schedule spans every epoch of the budget, so an
 * early stop ends it part way, as in the reference.
 *
 * @param pctStart the share of all batches spent climbing, in (0, 1)
 */
public record OneCycle(float pctStart) implements LrDecay {
  /** {@code div_factor}: the first rate is the peak over this. */
  static final double DIV = 25;
  /** {@code final_div_factor}: the last rate is the first over this. */
  static final double FINAL_DIV = 1e4;

  public OneCycle {
    if (!(pctStart > 0 && pctStart < 1)) {
      throw new IllegalArgumentException("a one-cycle's climbing share must be in (0, 1), got "
          + pctStart);
    }
  }

  /**
   * The factor on the peak rate at batch {@code step} (0-based) of {@code total}: PyTorch's
   * phases end at steps {@code pctStart * total - 1} and {@code total - 1}.
   */
  public double factor(long step, long total) {
    double top = pctStart * total - 1;
    double end = total - 1;
    if (step <= top) {
      return anneal(1 / DIV, 1, step / top);
    }
    return anneal(1, 1 / DIV / FINAL_DIV, Math.min(1, (step - top) / Math.max(1e-9, end - top)));
  }

  /** The half cosine from {@code start} to {@code end}, {@code pct} of the way. */
  private static double anneal(double start, double end, double pct) {
    return end + (start - end) / 2 * (1 + Math.cos(Math.PI * pct));
  }

  @Override
  public String name() {
    return "onecycle:" + pctStart;
  }
}
