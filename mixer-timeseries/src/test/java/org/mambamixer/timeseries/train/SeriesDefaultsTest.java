package org.mambamixer.timeseries.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.mambamixer.timeseries.model.Tsm2Config;

class SeriesDefaultsTest {

  @Test
  void aLongSeriesKeepsTheUsualSizes() {
    // ETTh1's train split: 8640 rows.
    SeriesDefaults d = SeriesDefaults.choose("long", 8640, 7, null, 96, 32);
    assertThat(d.lookback()).isEqualTo(96);
    assertThat(d.patch()).isEqualTo(16);
    assertThat(d.stride()).isEqualTo(8);
    assertThat(d.dModel()).isEqualTo(32);
    assertThat(d.trainWindows()).isEqualTo(8640 - 96 - 96 + 1);
    assertThat(d.epochs()).isEqualTo(4); // 265 batches an epoch: 1000 steps in 4
    assertThat(d.patience()).isEqualTo(3);
  }

  @Test
  void aShortSeriesGetsAShorterLookbackFinerPatchesASmallerModelAndMoreEpochs() {
    // About two years of daily rows, 70 % for training.
    SeriesDefaults d = SeriesDefaults.choose("daily", 500, 7, null, 14, 32);
    assertThat(d.lookback()).isEqualTo(96); // 500 - 96 - 14 + 1 = 391 windows: enough
    d = SeriesDefaults.choose("daily", 220, 7, null, 14, 32); // 111 windows at 96: too few
    assertThat(d.lookback()).isEqualTo(76); // (220 - 14 + 1 - 128) rounded down to 4
    assertThat(d.trainWindows()).isGreaterThanOrEqualTo(SeriesDefaults.MIN_WINDOWS);
    assertThat(d.patch()).isEqualTo(8);
    assertThat(d.stride()).isEqualTo(4);
    SeriesDefaults tiny = SeriesDefaults.choose("tiny", 170, 3, null, 14, 32);
    assertThat(tiny.lookback()).isEqualTo(28);
    assertThat(tiny.patch()).isEqualTo(4);
    assertThat(tiny.stride()).isEqualTo(2);
    assertThat(tiny.dModel()).isEqualTo(16);
    assertThat(tiny.dropout()).isEqualTo(0.2f);
    assertThat(tiny.epochs()).isEqualTo(30).isGreaterThan(10);
    assertThat(tiny.patience()).isEqualTo(5);
    assertThat(tiny.describe()).contains("tiny has no preset").contains("lookback 28")
        .contains("patch 4 / stride 2").contains("30 epochs");
  }

  @Test
  void aGivenLookbackIsKeptAndTheRestFollowsIt() {
    SeriesDefaults d = SeriesDefaults.choose("x", 5000, 7, 48, 96, 32);
    assertThat(d.lookback()).isEqualTo(48);
    assertThat(d.patch()).isEqualTo(8);
    Tsm2Config m = d.model(Tsm2Config.of(96, 96, 7, 32, 2, 0.1f));
    assertThat(m.lookback()).isEqualTo(48);
    assertThat(m.patchLen()).isEqualTo(8);
    assertThat(m.stride()).isEqualTo(4);
    assertThat(m.layers()).isEqualTo(2);
    TrainConfig t = d.train(TrainConfig.quick());
    assertThat(t.maxBatchesPerEpoch()).isZero();
    assertThat(t.epochs()).isEqualTo(d.epochs());
  }

  @Test
  void aSeriesTooShortForTheHorizonIsRefusedWithTheRowsItNeeds() {
    assertThatThrownBy(() -> SeriesDefaults.choose("short", 200, 7, null, 96, 32))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("short: the train split has 200 rows")
        .hasMessageContaining("horizon 96").hasMessageContaining("needs 231 rows");
  }
}
