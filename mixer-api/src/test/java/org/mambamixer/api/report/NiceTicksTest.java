package org.mambamixer.api.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NiceTicksTest {
  @Test
  void linearTicksAreNiceAndInsideTheRange() {
    NiceTicks t = NiceTicks.linear(0, 335, 6);
    assertThat(t.values()).containsExactly(0, 50, 100, 150, 200, 250, 300);
    assertThat(t.labels()).containsExactly("0", "50", "100", "150", "200", "250", "300");

    NiceTicks small = NiceTicks.linear(0.3612, 0.4688, 5);
    assertThat(small.labels()).containsExactly("0.38", "0.40", "0.42", "0.44", "0.46");

    NiceTicks signed = NiceTicks.linear(-0.25, 0.25, 5);
    assertThat(signed.labels()).containsExactly("-0.2", "-0.1", "0.0", "0.1", "0.2");
  }

  @Test
  void hugeAndTinyRangesUseScientificLabels() {
    assertThat(NiceTicks.linear(0, 3e6, 4).labels()).containsExactly("0", "1e+06", "2e+06", "3e+06");
    assertThat(NiceTicks.linear(1e-5, 4e-5, 4).labels())
        .containsExactly("1e-05", "2e-05", "3e-05", "4e-05");
  }

  @Test
  void logTicksUseDecadesThenFinerMantissas() {
    NiceTicks wide = NiceTicks.log(3e-4, 2.0);
    assertThat(wide.values()).containsExactly(1e-3, 1e-2, 1e-1, 1.0);
    assertThat(wide.labels()).containsExactly("0.001", "0.01", "0.1", "1");

    NiceTicks narrow = NiceTicks.log(0.15, 0.9);
    assertThat(narrow.values()).containsExactly(0.2, 0.5);

    assertThat(NiceTicks.log(1e-7, 1e-5).labels()).containsExactly("1e-7", "1e-6", "1e-5");
    assertThat(NiceTicks.log(5e-7, 2e-3).labels()).containsExactly("1e-6", "1e-5", "1e-4", "1e-3");
    assertThatThrownBy(() -> NiceTicks.log(0, 1)).hasMessageContaining("positive range");
  }

  @Test
  void niceRoundsToOneTwoFiveTimesAPowerOfTen() {
    assertThat(NiceTicks.nice(0.013)).isEqualTo(0.01);
    assertThat(NiceTicks.nice(27)).isEqualTo(20);
    assertThat(NiceTicks.nice(4.1)).isEqualTo(5);
    assertThat(NiceTicks.nice(80)).isEqualTo(100);
  }
}
