package org.mambamixer.timeseries.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SplitsTest {
  @Test
  void ruleFollowsDatasetName() {
    assertThat(SplitRule.forDataset("ETTh1")).isEqualTo(SplitRule.ETT_HOURLY);
    assertThat(SplitRule.forDataset("etth2")).isEqualTo(SplitRule.ETT_HOURLY);
    assertThat(SplitRule.forDataset("ETTm2")).isEqualTo(SplitRule.ETT_15MIN);
    assertThat(SplitRule.forDataset("weather")).isEqualTo(SplitRule.RATIO_70_10_20);
  }

  @Test
  void ettHourlyIsTwelveFourFourMonths() {
    Splits s = Splits.forDataset("ETTh1", 17420);
    assertThat(s.train()).isEqualTo(new Splits.Block(0, 8640));
    assertThat(s.val()).isEqualTo(new Splits.Block(8640, 11520));
    assertThat(s.test()).isEqualTo(new Splits.Block(11520, 14400));
  }

  @Test
  void ettMinuteIsFourTimesHourly() {
    Splits s = Splits.forDataset("ETTm1", 69680);
    assertThat(s.train().size()).isEqualTo(34560);
    assertThat(s.val().size()).isEqualTo(11520);
    assertThat(s.test()).isEqualTo(new Splits.Block(46080, 57600));
  }

  @Test
  void ratioSplitMatchesReferenceBorders() {
    Splits w = Splits.forDataset("weather", 52696);
    assertThat(new int[] {w.train().size(), w.val().size(), w.test().size()})
        .containsExactly(36887, 5270, 10539);
    Splits e = Splits.forDataset("electricity", 26304);
    assertThat(new int[] {e.train().size(), e.val().size(), e.test().size()})
        .containsExactly(18412, 2632, 5260);
    Splits t = Splits.forDataset("traffic", 17544);
    assertThat(new int[] {t.train().size(), t.val().size(), t.test().size()})
        .containsExactly(12280, 1756, 3508);
    assertThat(t.test().end()).isEqualTo(17544);
  }

  @Test
  void explicitRuleOverridesName() {
    Splits s = Splits.of("my-hourly-export", SplitRule.ETT_HOURLY, 15000);
    assertThat(s.test()).isEqualTo(new Splits.Block(11520, 14400));
    assertThat(Splits.of("ETTh1", SplitRule.RATIO_70_10_20, 100).train().size()).isEqualTo(70);
  }

  @Test
  void valAndTestWindowsLookBackIntoPrecedingBlock() {
    Splits s = Splits.forDataset("ETTh1", 17420);
    // Informer: len(data) - seq_len - pred_len + 1 over border1..border2.
    assertThat(s.windowCount(Split.TRAIN, 96, 96)).isEqualTo(8640 - 96 - 96 + 1);
    assertThat(s.windowStart(Split.TRAIN, 96, 96)).isZero();
    assertThat(s.windowCount(Split.VAL, 96, 96)).isEqualTo(2880 - 96 + 1);
    assertThat(s.windowStart(Split.VAL, 96, 96)).isEqualTo(8640 - 96);
    assertThat(s.windowCount(Split.TEST, 96, 720)).isEqualTo(2880 - 720 + 1);
    assertThat(s.windowStart(Split.TEST, 512, 96)).isEqualTo(11520 - 512);
  }

  @Test
  void tooShortSplitFailsClearly() {
    Splits s = Splits.of("tiny", SplitRule.RATIO_70_10_20, 100);
    assertThatThrownBy(() -> s.windowCount(Split.TRAIN, 50, 30))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tiny TRAIN has 70 rows")
        .hasMessageContaining("lookback + horizon = 50 + 30");
    assertThatThrownBy(() -> s.windowCount(Split.VAL, 8, 11))
        .hasMessageContaining("tiny VAL has 18 rows");
    assertThatThrownBy(() -> s.windowCount(Split.VAL, 71, 5))
        .hasMessageContaining("lookback 71 reaches 1 rows before the start");
    assertThatThrownBy(() -> Splits.forDataset("ETTh1", 14399))
        .hasMessageContaining("ETTh1 has 14399 rows but the ETT_HOURLY split needs 14400");
  }
}
