package org.mambamixer.timeseries.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class ScalerTest {
  // (T=6, M=2): column 0 is 1,2,3 on train then large; column 1 is constant on train.
  private static final float[][] VALUES = {{1, 5}, {2, 5}, {3, 5}, {100, 6}, {200, 7}, {300, 8}};

  @Test
  void fitsOnTrainRowsOnly() {
    Scaler s = Scaler.fit(VALUES, new Splits.Block(0, 3));
    assertThat(s.mean()).containsExactly(2f, 5f);
    assertThat(s.std()[0]).isCloseTo((float) Math.sqrt(2.0 / 3.0), within(1e-6f));
  }

  @Test
  void constantTrainColumnIsOnlyCentred() {
    Scaler s = Scaler.fit(VALUES, new Splits.Block(0, 3));
    assertThat(s.std()[1]).isEqualTo(1f);
    float[][] z = s.transform(VALUES);
    assertThat(z[0][1]).isZero();
    assertThat(z[5][1]).isEqualTo(3f);
  }

  @Test
  void transformAndInverseRoundTrip() {
    Scaler s = Scaler.fit(VALUES, new Splits.Block(0, 3));
    float[][] z = s.transform(VALUES);
    assertThat(z[0][0]).isCloseTo(-1f / s.std()[0], within(1e-6f));
    float[][] back = s.inverse(z);
    for (int t = 0; t < VALUES.length; t++) {
      for (int m = 0; m < 2; m++) {
        assertThat(back[t][m]).isCloseTo(VALUES[t][m], within(1e-4f));
      }
    }
  }

  @Test
  void ndArrayVersionsBroadcastOverLastAxis() {
    Scaler s = new Scaler(new float[] {1, -2}, new float[] {2, 4});
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray z = manager.create(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, new Shape(2, 2, 2));
      assertThat(s.inverse(z).toFloatArray()).containsExactly(3, 6, 7, 14, 11, 22, 15, 30);
      assertThat(s.transform(s.inverse(z)).toFloatArray()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
    }
  }
}
