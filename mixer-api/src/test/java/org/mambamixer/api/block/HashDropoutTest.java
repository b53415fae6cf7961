package org.mambamixer.api.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import org.junit.jupiter.api.Test;

class HashDropoutTest {
  private static final Shape SHAPE = new Shape(8, 129, 257); // odd sizes: the last lane alone

  @Test
  void keepsTheRateScalesTheKeptAndPassesTheGradientThroughTheMask() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.randomUniform(0.5f, 1.5f, SHAPE);
      x.setRequiresGradient(true);
      HashDropout dropout = block(m, 0.9f);
      float[] xs = x.toFloatArray();
      float[] ys;
      float[] gs;
      try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
        NDArray y = forward(dropout, x, true);
        ys = y.toFloatArray();
        c.backward(y.sum());
        gs = x.getGradient().toFloatArray();
      }
      int kept = 0;
      for (int i = 0; i < ys.length; i++) {
        if (ys[i] != 0f) {
          kept++;
          assertThat(ys[i]).isCloseTo(xs[i] / 0.1f, within(1e-4f * ys[i]));
          assertThat(gs[i]).isCloseTo(1f / 0.1f, within(1e-5f));
        } else {
          assertThat(gs[i]).isZero();
        }
      }
      // 265,224 draws at p = 0.1: the binomial's std is 154, so 5 std either side.
      assertThat(kept).isBetween(26_522 - 772, 26_522 + 772);
    }
  }

  @Test
  void theSameEngineSeedGivesTheSameMaskAndEachCallANewOne() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.ones(SHAPE);
      HashDropout dropout = block(m, 0.5f);
      Engine.getInstance().setRandomSeed(7);
      float[] first = forward(dropout, x, true).toFloatArray();
      float[] second = forward(dropout, x, true).toFloatArray();
      Engine.getInstance().setRandomSeed(7);
      float[] again = forward(dropout, x, true).toFloatArray();
      assertThat(again).isEqualTo(first); // containsExactly is quadratic on 265k values
      assertThat(second).isNotEqualTo(first);
      double mean = 0;
      for (float v : first) {
        mean += v / first.length;
      }
      assertThat(mean).isCloseTo(1.0, within(0.01)); // inverted dropout keeps the mean
    }
  }

  @Test
  void theMaskIsMurmur3sFinaliserOfTheWeylIndex() {
    // fmix32(7 + i * 0x9E3779B9) for i = 0..5, computed apart (Python): 0x18c9aec4, 0x2316a329,
    // 0x737a208a, 0xff839133, 0x8d65294e, 0x722d0163; at keep 0.5 an element stays when bit 31
    // is clear.
    try (NDManager m = NDManager.newBaseManager()) {
      assertThat(HashDropout.hash(7, 3)).isEqualTo(0xff839133);
      assertThat(HashDropout.mask(m, new Shape(6), 7, 0.5f).toFloatArray())
          .containsExactly(2f, 2f, 2f, 0f, 0f, 2f);
    }
  }

  /** A checkpoint saved with DJL's Dropout in this block's place loads, weights and all. */
  @Test
  void loadsACheckpointThatHeldDjlsDropoutInItsPlace() throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      Block saved = new SequentialBlock().add(Linear.builder().setUnits(3).build())
          .add(Dropout.builder().optRate(0.3f).build());
      saved.initialize(m, DataType.FLOAT32, new Shape(2, 5));
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      saved.saveParameters(new DataOutputStream(bytes));
      Block loaded = new SequentialBlock().add(Linear.builder().setUnits(3).build())
          .add(new HashDropout(0.3f));
      loaded.initialize(m, DataType.FLOAT32, new Shape(2, 5));
      loaded.loadParameters(m, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
      ParameterStore ps = new ParameterStore(m, false);
      NDArray x = m.randomNormal(new Shape(2, 5));
      assertThat(loaded.forward(ps, new NDList(x), false).singletonOrThrow().toFloatArray())
          .isEqualTo(saved.forward(ps, new NDList(x), false).singletonOrThrow().toFloatArray());
    }
  }

  @Test
  void isTheIdentityOutOfTrainingAndRefusesARateOfOne() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.randomUniform(0f, 1f, SHAPE);
      assertThat(forward(block(m, 0.9f), x, false).toFloatArray()).isEqualTo(x.toFloatArray());
    }
    assertThatThrownBy(() -> new HashDropout(1f)).hasMessageContaining("[0, 1)");
  }

  private static HashDropout block(NDManager m, float rate) {
    HashDropout dropout = new HashDropout(rate);
    dropout.initialize(m, DataType.FLOAT32, SHAPE);
    return dropout;
  }

  private static NDArray forward(HashDropout dropout, NDArray x, boolean training) {
    return dropout.forward(new ParameterStore(x.getManager(), false), new NDList(x), training)
        .singletonOrThrow();
  }
}
