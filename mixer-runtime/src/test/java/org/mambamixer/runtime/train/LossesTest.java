package org.mambamixer.runtime.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class LossesTest {

  @Test
  void smoothedCrossEntropyMatchesItsDefinition() {
    try (NDManager m = NDManager.newBaseManager()) {
      float loss = Losses.smoothedCrossEntropy(m.create(new float[][] {{2, 0, 0}, {0, 1, 3}}),
          m.create(new float[] {0, 1}), 0.3f).getFloat();
      double z1 = Math.log(Math.exp(2) + 2);
      double z2 = Math.log(1 + Math.exp(1) + Math.exp(3));
      double l1 = -(0.8 * (2 - z1) + 0.1 * (0 - z1) + 0.1 * (0 - z1));
      double l2 = -(0.1 * (0 - z2) + 0.8 * (1 - z2) + 0.1 * (3 - z2));
      assertThat((double) loss).isCloseTo((l1 + l2) / 2, within(1e-5));
    }
  }
}
