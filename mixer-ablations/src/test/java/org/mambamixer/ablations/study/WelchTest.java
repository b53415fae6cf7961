package org.mambamixer.ablations.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Welch's t, degrees of freedom and interval against SciPy's (1.10, ttest_ind and t.ppf). */
class WelchTest {

  @Test
  void matchesScipy() {
    // stats.ttest_ind([1,2,3,4], [2,3,4,5,6], equal_var=False): t = -1.5666989036012806;
    // df = 6.980769230769231; t.ppf(0.975, df) * se = 2.265220281181654.
    Welch w = Welch.of(new double[] {1, 2, 3, 4}, new double[] {2, 3, 4, 5, 6});
    assertThat(w.delta()).isEqualTo(-1.5);
    assertThat(w.t()).isCloseTo(-1.5666989036012806, within(1e-12));
    assertThat(w.df()).isCloseTo(6.980769230769231, within(1e-12));
    assertThat(w.high() - w.delta()).isCloseTo(2.265220281181654, within(1e-9));
    assertThat(w.delta() - w.low()).isCloseTo(2.265220281181654, within(1e-9));
  }

  @Test
  void aSampleOfOneHasNoInterval() {
    Welch w = Welch.of(new double[] {1}, new double[] {2, 3});
    assertThat(w.delta()).isEqualTo(-1.5);
    assertThat(w.t()).isNaN();
    assertThat(w.low()).isNaN();
  }
}
