package org.mambamixer.runtime.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LrScheduleTest {

  @Test
  void perEpochWarmsUpThenDecaysToTheFloor() {
    LrSchedule s = new LrSchedule(1e-3f, 1e-5f, 1, 11);
    assertThat(s.at(0)).isEqualTo(5e-4f);
    assertThat(s.at(1)).isEqualTo(1e-3f);
    assertThat(s.at(11)).isCloseTo(1e-5f, within(1e-9f));
    assertThat(s.at(6)).isCloseTo((1e-3f + 1e-5f) / 2, within(1e-7f));
    // Every batch of an epoch trains at the epoch's rate.
    for (int b = 0; b < 7; b++) {
      assertThat(s.at(3, b, 7)).isEqualTo(s.at(3));
    }
  }

  /** Four epochs of one warm-up stop a quarter of the way above the floor: why BATCH exists. */
  @Test
  void perEpochWithFewEpochsEndsFarAboveTheFloor() {
    LrSchedule s = new LrSchedule(2e-3f, 1e-5f, 1, 4);
    assertThat(s.at(3)).isCloseTo(1e-5f + 0.25f * (2e-3f - 1e-5f), within(1e-7f));
  }

  @Test
  void perBatchRampsLinearlyThenFollowsTheCosineToTheFloor() {
    int n = 10;
    LrSchedule s = new LrSchedule(2e-3f, 1e-5f, 1, 4, LrSchedule.Update.BATCH);
    assertThat(s.at(0, 0, n)).isCloseTo(2e-4f, within(1e-9f));
    assertThat(s.at(0, 4, n)).isCloseTo(1e-3f, within(1e-9f));
    assertThat(s.at(0, 9, n)).isEqualTo(2e-3f); // the warm-up's last batch is at the peak
    assertThat(s.at(1, 0, n)).isEqualTo(2e-3f); // the cosine starts at the peak
    // Half-way through the cosine's 30 batches: the mean of peak and floor.
    assertThat(s.at(2, 5, n)).isCloseTo((2e-3f + 1e-5f) / 2, within(1e-8f));
    // The last batch is one of 30 cosine steps short of the floor: (1 - cos(pi / 30)) / 2.
    float last = s.at(3, 9, n);
    assertThat(last).isCloseTo((float) (1e-5 + (2e-3 - 1e-5) * (1 - Math.cos(Math.PI / 30)) / 2),
        within(1e-9f));
    assertThat(last).as("a thirtieth of where the per-epoch schedule ends")
        .isLessThan(new LrSchedule(2e-3f, 1e-5f, 1, 4).at(3) / 30);
    float before = Float.MAX_VALUE;
    for (int e = 1; e < 4; e++) {
      for (int b = 0; b < n; b++) {
        assertThat(s.at(e, b, n)).as("epoch %d batch %d", e, b).isLessThan(before);
        before = s.at(e, b, n);
      }
    }
    assertThatThrownBy(() -> s.at(2)).hasMessageContaining("at(epoch, batch, batchesPerEpoch)");
  }

  @Test
  void perBatchWithoutWarmUpStartsAtThePeak() {
    LrSchedule s = new LrSchedule(1e-3f, 0f, 0, 1, LrSchedule.Update.BATCH);
    assertThat(s.at(0, 0, 2)).isEqualTo(1e-3f);
    assertThat(s.at(0, 1, 2)).isCloseTo(5e-4f, within(1e-9f));
  }

  @Test
  void badArgumentsAreNamed() {
    LrSchedule s = new LrSchedule(1e-3f, 0f, 0, 1, LrSchedule.Update.BATCH);
    assertThatThrownBy(() -> s.at(0, 2, 2)).hasMessageContaining("batch 2 of 2");
    assertThatThrownBy(() -> new LrSchedule(1e-3f, 0f, 0, 1, null))
        .hasMessageContaining("update");
    assertThatThrownBy(() -> LrSchedule.Update.parse("sometimes"))
        .hasMessageContaining("'sometimes'").hasMessageContaining("epoch or batch");
    assertThat(LrSchedule.Update.parse("Batch")).isEqualTo(LrSchedule.Update.BATCH);
    assertThat(LrSchedule.Update.BATCH).hasToString("batch");
  }

  /**
   * LTSF-Linear's type1 sets the rate after each epoch to lr x 0.5^(finished - 1): epochs 0 and 1
   * at the peak, then halved; PatchTST's type3 keeps four epochs, then x 0.9; the floor holds.
   */
  @Test
  void stepDecaysFollowTheBaselinesScripts() {
    LrSchedule type1 = new LrSchedule(5e-3f, 0f, 0, 10, LrSchedule.Update.EPOCH, StepDecay.TYPE1);
    float[] expected = {5e-3f, 5e-3f, 2.5e-3f, 1.25e-3f, 6.25e-4f};
    for (int e = 0; e < expected.length; e++) {
      assertThat(type1.at(e)).as("epoch %d", e).isCloseTo(expected[e], within(1e-10f));
    }
    LrSchedule type3 = new LrSchedule(1e-4f, 0f, 0, 100, LrSchedule.Update.EPOCH, StepDecay.TYPE3);
    for (int e = 0; e < 4; e++) {
      assertThat(type3.at(e)).isEqualTo(1e-4f);
    }
    assertThat(type3.at(4)).isCloseTo(9e-5f, within(1e-10f));
    assertThat(type3.at(13)).isCloseTo((float) (1e-4 * Math.pow(0.9, 10)), within(1e-10f));
    LrSchedule floored = new LrSchedule(5e-3f, 1e-3f, 0, 10, LrSchedule.Update.EPOCH,
        StepDecay.TYPE1);
    assertThat(floored.at(9)).isEqualTo(1e-3f);
    // A step decay moves per epoch even where the cosine would move per batch.
    LrSchedule perBatch = new LrSchedule(5e-3f, 0f, 0, 10, LrSchedule.Update.BATCH,
        StepDecay.TYPE1);
    assertThat(perBatch.at(2, 7, 8)).isEqualTo(perBatch.at(2)).isCloseTo(2.5e-3f, within(1e-10f));
  }

  @Test
  void schedulesParseByNameAndReadBack() {
    assertThat(LrDecay.parse("cosine")).isNull();
    assertThat(LrDecay.parse("Type1")).isEqualTo(StepDecay.TYPE1);
    assertThat(LrDecay.parse("type3")).isEqualTo(new StepDecay(0.9f, 3));
    assertThat(LrDecay.parse("step:0.8:2")).isEqualTo(new StepDecay(0.8f, 2));
    assertThat(LrDecay.parse("onecycle:0.4")).isEqualTo(new OneCycle(0.4f));
    for (LrDecay d : new LrDecay[] {StepDecay.TYPE1, StepDecay.TYPE3, new StepDecay(0.8f, 2),
        new OneCycle(0.3f)}) {
      assertThat(LrDecay.parse(d.name())).isEqualTo(d);
    }
    assertThatThrownBy(() -> LrDecay.parse("type2")).hasMessageContaining("'type2'")
        .hasMessageContaining("cosine, type1, type3, step:GAMMA:HOLD or onecycle:PCT");
    assertThatThrownBy(() -> LrDecay.parse("step:x:1")).hasMessageContaining("'step:x:1'");
    assertThatThrownBy(() -> LrDecay.parse("step:1.5:1")).hasMessageContaining("(0, 1]");
    assertThatThrownBy(() -> LrDecay.parse("step:0.5:-1")).hasMessageContaining(">= 0");
    assertThatThrownBy(() -> LrDecay.parse("onecycle:1")).hasMessageContaining("(0, 1)");
  }

  /**
   * PyTorch's OneCycleLR at its defaults over 100 steps with pct_start 0.4: peak / 25 at step 0,
   * the peak at step 39 (0.4 x 100 - 1), peak / 25 / 1e4 at step 99, half cosines between.
   */
  @Test
  void oneCycleClimbsThenFallsAsPyTorchs() {
    OneCycle c = new OneCycle(0.4f);
    assertThat(c.factor(0, 100)).isCloseTo(0.04, within(1e-7));
    assertThat(c.factor(39, 100)).isCloseTo(1.0, within(1e-6));
    assertThat(c.factor(99, 100)).isCloseTo(4e-6, within(1e-9));
    double climb = (0.04 + 1) / 2 + (0.04 - 1) / 2 * Math.cos(Math.PI * 19 / 39.0);
    assertThat(c.factor(19, 100)).isCloseTo(climb, within(1e-6));
    assertThat(c.factor(69, 100)).isCloseTo((1 + 4e-6) / 2, within(1e-6));
  }
}
