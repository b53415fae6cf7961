package org.mambamixer.api.report;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Axis tick positions at "nice" numbers (1, 2 or 5 times a power of ten, after Heckbert's
 * Graphics Gems labelling) and their labels, all lying within the axis range.
 *
 * @param values tick positions, ascending, inside [lo, hi]
 * @param labels one label per tick, with just enough decimals to tell neighbours apart
 */
public record NiceTicks(double[] values, String[] labels) {

  public NiceTicks {
    if (values.length != labels.length) {
      throw new IllegalArgumentException(
          values.length + " tick values but " + labels.length + " labels");
    }
  }

  /** About {@code target} ticks on a linear axis from {@code lo} to {@code hi}. */
  public static NiceTicks linear(double lo, double hi, int target) {
    requireRange(lo, hi);
    if (target < 2) {
      throw new IllegalArgumentException("target tick count must be >= 2, got " + target);
    }
    double step = nice((hi - lo) / (target - 1));
    List<Double> values = new ArrayList<>();
    // Snap each tick to the step grid so 0.1 + 0.2 prints as 0.3 and zero never as -0.
    for (long k = (long) Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) {
      values.add(k == 0 ? 0.0 : k * step);
    }
    double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
    String[] labels = new String[v.length];
    double big = Math.max(Math.abs(lo), Math.abs(hi));
    int decimals = Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
    for (int i = 0; i < v.length; i++) {
      labels[i] = big >= 1e6 || step < 1e-4 ? scientific(v[i], step) : fixed(v[i], decimals);
    }
    return new NiceTicks(v, labels);
  }

  /**
   * Ticks for a log axis over {@code [lo, hi]} (both positive): powers of ten, plus 2 and 5 times
   * them when fewer than two powers fall inside, and linear ticks when the range is narrower still.
   */
  public static NiceTicks log(double lo, double hi) {
    requireRange(lo, hi);
    if (!(lo > 0)) {
      throw new IllegalArgumentException(
          "a log axis needs a positive range, got [" + lo + ", " + hi + "]");
    }
    for (double[] mantissas : new double[][] {{1}, {1, 2, 5}}) {
      List<Double> values = new ArrayList<>();
      for (int e = (int) Math.floor(Math.log10(lo)); e <= (int) Math.ceil(Math.log10(hi)); e++) {
        for (double m : mantissas) {
          // Parsed from decimal text: exact, unlike m * pow(10, e).
          double v = Double.parseDouble((long) m + "e" + e);
          if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) {
            values.add(v);
          }
        }
      }
      if (values.size() >= 2) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        // One style per axis: 0.001 next to 1e-4 reads as a mistake.
        boolean plain = v[0] >= 1e-3 && v[v.length - 1] < 1e5;
        String[] labels = new String[v.length];
        for (int i = 0; i < v.length; i++) {
          labels[i] = logLabel(v[i], plain);
        }
        return new NiceTicks(v, labels);
      }
    }
    return linear(lo, hi, 4);
  }

  /** The nice number (1, 2, 5 x 10^k) closest to {@code x} on a log scale. */
  static double nice(double x) {
    double exp = Math.floor(Math.log10(x));
    double f = x / Math.pow(10, exp);
    double m = f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10;
    return m * Math.pow(10, exp);
  }

  private static void requireRange(double lo, double hi) {
    if (!(Double.isFinite(lo) && Double.isFinite(hi) && lo < hi)) {
      throw new IllegalArgumentException(
          "axis range must be finite with lo < hi, got [" + lo + ", " + hi + "]");
    }
  }

  private static String fixed(double v, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  /** Mantissa digits enough to separate ticks {@code step} apart, e.g. 2.5e+06. */
  private static String scientific(double v, double step) {
    if (v == 0) {
      return "0";
    }
    double spread = Math.floor(Math.log10(Math.abs(v))) - Math.floor(Math.log10(step));
    int digits = Math.max(0, (int) spread);
    return String.format(Locale.ROOT, "%." + digits + "e", v);
  }

  private static String logLabel(double v, boolean plain) {
    if (plain) {
      return new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
    }
    int e = (int) Math.floor(Math.log10(v) + 1e-9);
    return Math.round(v / Math.pow(10, e)) + "e" + e;
  }
}
