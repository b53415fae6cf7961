package org.mambamixer.runtime.train;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AccuracyTest {

  @Test
  void accuracyCountsTopOneTopFiveAndConfusion() {
    Accuracy acc = new Accuracy(6);
    acc.add(new float[] {
        5, 4, 3, 2, 1, 0, // label 0: top-1
        5, 4, 3, 2, 1, 0, // label 4: rank 5, top-5
        5, 4, 3, 2, 1, 0, // label 5: rank 6, neither
        1, 1, 0, 0, 0, 0}, new int[] {0, 4, 5, 1}); // label 1 ties the max: top-5 only
    assertThat(acc.count()).isEqualTo(4);
    assertThat(acc.top1()).isEqualTo(0.25);
    assertThat(acc.top5()).isEqualTo(0.75);
    assertThat(acc.confusion()[4][0]).isEqualTo(1);
    assertThat(acc.confusion()[1][0]).isEqualTo(1); // argmax takes the first of tied classes
  }

  /** A model that scores every class alike, or diverged to NaN, has not answered. */
  @Test
  void tiesAndNanRowsAreNotCorrect() {
    Accuracy acc = new Accuracy(6);
    float nan = Float.NaN;
    acc.add(new float[] {
        0, 0, 0, 0, 0, 0, // all tied: neither
        5, 4, 3, 2, 1, 1, // label 4 ties the sixth: neither
        nan, nan, nan, nan, nan, nan, // diverged: neither
        9, nan, 0, 0, 0, 0, // one NaN logit: neither
        nan, 1, 0, 0, 0, 0}, // the true class is NaN: neither
        new int[] {0, 4, 0, 0, 1});
    assertThat(acc.count()).isEqualTo(5);
    assertThat(acc.top1()).isEqualTo(0.0);
    assertThat(acc.top5()).isEqualTo(0.0);
  }
}
