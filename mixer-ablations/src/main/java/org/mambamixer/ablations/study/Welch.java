package org.mambamixer.ablations.study;

import org.apache.commons.math3.distribution.TDistribution;

/**
 * Welch's comparison of two samples' means (unequal variances): the difference, its t statistic,
 * the Welch-Satterthwaite degrees of freedom and the 95 % interval of the difference. NaN where a
 * sample has fewer than two values or both have no spread.
 *
 * @param delta mean(a) - mean(b)
 * @param t delta / se, se = sqrt(var(a)/n_a + var(b)/n_b)
 * @param df (var(a)/n_a + var(b)/n_b)^2 / ((var(a)/n_a)^2/(n_a-1) + (var(b)/n_b)^2/(n_b-1))
 * @param low delta - t_{0.975, df} se
 * @param high delta + t_{0.975, df} se
 */
public record Welch(double delta, double t, double df, double low, double high) {

  public static Welch of(double[] a, double[] b) {
    double[] sa = StudySummary.meanStd(a);
    double[] sb = StudySummary.meanStd(b);
    double delta = sa[0] - sb[0];
    double va = sa[1] * sa[1] / a.length;
    double vb = sb[1] * sb[1] / b.length;
    double se = Math.sqrt(va + vb);
    if (a.length < 2 || b.length < 2 || !(se > 0)) {
      return new Welch(delta, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    double df = (va + vb) * (va + vb) / (va * va / (a.length - 1) + vb * vb / (b.length - 1));
    double half = new TDistribution(df).inverseCumulativeProbability(0.975) * se;
    return new Welch(delta, delta / se, df, delta - half, delta + half);
  }
}
