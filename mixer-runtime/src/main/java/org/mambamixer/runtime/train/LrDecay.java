package org.mambamixer.runtime.train;

import java.util.Locale;

/**
 * A learning-rate schedule by name in place of the cosine, as the forecasting baselines' own
 * code trains: a step per epoch ({@link StepDecay}) or one cycle over the run ({@link OneCycle}).
 */
public sealed interface LrDecay permits StepDecay, OneCycle {

  /**
   * A schedule by name: {@code cosine} (null: none of these), {@code type1}, {@code type3},
   * {@code step:GAMMA:HOLD} or {@code onecycle:PCT}.
   */
  static LrDecay parse(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    switch (n) {
      case "cosine":
        return null;
      case "type1":
        return StepDecay.TYPE1;
      case "type3":
        return StepDecay.TYPE3;
      default:
        break;
    }
    String[] parts = n.split(":");
    try {
      if (parts.length == 3 && parts[0].equals("step")) {
        return new StepDecay(Float.parseFloat(parts[1]), Integer.parseInt(parts[2]));
      }
      if (parts.length == 2 && parts[0].equals("onecycle")) {
        return new OneCycle(Float.parseFloat(parts[1]));
      }
    } catch (NumberFormatException e) {
      // named below with the accepted forms
    }
    throw new IllegalArgumentException("unknown learning-rate schedule '" + name
        + "' (cosine, type1, type3, step:GAMMA:HOLD or onecycle:PCT, e.g. step:0.5:1)");
  }

  /** The name {@link #parse} reads back. */
  String name();
}
