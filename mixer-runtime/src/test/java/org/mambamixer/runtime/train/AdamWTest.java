package org.mambamixer.runtime.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdamWTest {

  @Test
  void firstStepMovesEachWeightByTheLearningRateAgainstItsGradientSign() {
    try (NDManager m = NDManager.newBaseManager()) {
      Parameter p = Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT)
          .optShape(new Shape(3)).optArray(m.create(new float[] {1f, -2f, 3f})).build();
      p.getArray().setRequiresGradient(true);
      AdamW opt = new AdamW(List.of(new Pair<>("w", p)), 0f);
      try (GradientCollector gc = m.getEngine().newGradientCollector()) {
        gc.backward(p.getArray().mul(m.create(new float[] {2f, -5f, 0.5f})).sum());
      }
      opt.step(0.1f);
      // Bias-corrected Adam's first step is lr * sign(g) (up to eps).
      assertThat(p.getArray().toFloatArray()).containsExactly(new float[] {0.9f, -1.9f, 2.9f},
          within(1e-6f));
      assertThat(p.getArray().getGradient().abs().sum().getFloat()).isZero();
    }
  }

  @Test
  void savedStateResumesBitwise() throws Exception {
    float[] straight = run(4, -1);
    float[] resumed = run(4, 2);
    assertThat(resumed).containsExactly(straight);
  }

  /** Trains a Linear for {@code steps}; when {@code breakAt >= 0}, round-trips the state there. */
  private static float[] run(int steps, int breakAt) throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed(5);
      Linear lin = Linear.builder().setUnits(2).build();
      lin.initialize(m, DataType.FLOAT32, new Shape(4, 3));
      NDArray x = m.randomNormal(new Shape(4, 3));
      AdamW opt = new AdamW(lin.getParameters(), 0.01f);
      ParameterStore ps = new ParameterStore(m, false);
      for (int s = 0; s < steps; s++) {
        if (s == breakAt) {
          ByteArrayOutputStream bytes = new ByteArrayOutputStream();
          opt.save(new DataOutputStream(bytes));
          opt = new AdamW(lin.getParameters(), 0.01f);
          opt.load(m, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        }
        try (GradientCollector gc = m.getEngine().newGradientCollector()) {
          gc.backward(lin.forward(ps, new NDList(x), true).singletonOrThrow().pow(2).sum());
        }
        opt.step(0.05f);
      }
      return lin.getParameters().get(0).getValue().getArray().toFloatArray();
    }
  }
}
