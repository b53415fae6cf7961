package org.mambamixer.vision.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;
import org.mambamixer.api.scan.ReferenceScan;
import org.mambamixer.api.ssm.S6Config;

class LiftedChannelMixerTest {

  @Test
  void mixesChannelsWithinATokenAndNeverAcrossTokens() {
    try (NDManager m = NDManager.newBaseManager()) {
      LiftedChannelMixer mixer =
          new LiftedChannelMixer(6, S6Config.mamba(3).withDState(4), new ReferenceScan());
      mixer.initialize(m, DataType.FLOAT64, new Shape(2, 3, 3, 6));
      ParameterStore ps = new ParameterStore(m, false);
      NDArray x = m.randomNormal(0f, 1f, new Shape(2, 3, 3, 6), DataType.FLOAT64);
      NDArray y = mixer.forward(ps, new NDList(x), false).singletonOrThrow();
      NDArray x2 = x.duplicate();
      x2.set(new NDIndex("1, 2, 0, 5"), 3.0); // the last channel of one token
      NDArray diff = mixer.forward(ps, new NDList(x2), false).singletonOrThrow().sub(y).abs();
      // Other tokens: untouched. That token: every channel changes (the backward route carries
      // the last channel to the first).
      assertThat(diff.sum().getDouble() - diff.get("1, 2, 0, :").sum().getDouble())
          .isLessThan(1e-12);
      assertThat(diff.get("1, 2, 0, :").min().getDouble()).isGreaterThan(0);
      // Resolution independence: the same parameters map a 5 x 7 grid token by token.
      NDArray big = m.randomNormal(0f, 1f, new Shape(1, 5, 7, 6), DataType.FLOAT64);
      NDArray yBig = mixer.forward(ps, new NDList(big), false).singletonOrThrow();
      NDArray yOne = mixer.forward(ps, new NDList(big.get("0:1, 4:5, 6:7, :")), false)
          .singletonOrThrow();
      assertThat(yBig.get("0:1, 4:5, 6:7, :").sub(yOne).abs().max().getDouble())
          .isLessThan(1e-12);
    }
  }
}
