package org.mambamixer.api.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.mambamixer.api.FreedMemory;
import org.mambamixer.api.block.RmsNorm;
import org.mambamixer.api.skip.FrozenAverage;

/**
 * A constant in a differentiated graph must outlive a garbage collection between forward and
 * backward. The collection is forced here and the memory it frees refilled with NaN
 * ({@link FreedMemory}), so a constant that lived in a Java buffer would show up as NaN gradients
 * every time, not at random.
 */
class ScalarsTest {

  @Test
  void divisionByAConstantSurvivesACollectionBeforeTheBackward() {
    assertThat(gradientAfterCollection(x -> Scalars.over(x, 4))).containsOnly(0.25f);
  }

  @Test
  void multiplicationByAConstantSurvivesACollectionBeforeTheBackward() {
    assertThat(gradientAfterCollection(x -> Scalars.times(x, -3))).containsOnly(-3f);
  }

  @Test
  void theConstantHasTheTypeAndManagerOfItsOperand() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.ones(new Shape(2), DataType.FLOAT64);
      NDArray c = Scalars.of(x, 0.5);
      assertThat(c.getShape()).isEqualTo(new Shape());
      assertThat(c.getDataType()).isEqualTo(DataType.FLOAT64);
      assertThat(c.getManager()).isSameAs(m);
      assertThat(c.getDouble()).isEqualTo(0.5);
    }
  }

  /** The frozen average divides by its input count: the bug this class was written for. */
  @Test
  void frozenAverageGradientSurvivesACollection() {
    FrozenAverage avg = new FrozenAverage(2);
    ParameterStore ps = new ParameterStore();
    float[] g = gradientAfterCollection(x -> avg.channelInput(ps, 1, List.of(x, x.mul(x)),
        List.of(x), true));
    assertThat(g).containsOnly((1f + 2f + 1f) / 3f); // d/dx (x + x^2 + x) / 3 at x = 1
  }

  @Test
  void rmsNormGradientSurvivesACollection() {
    try (NDManager m = NDManager.newBaseManager()) {
      RmsNorm norm = new RmsNorm(64, 0f);
      norm.initialize(m, DataType.FLOAT32, new Shape(64));
      ParameterStore ps = new ParameterStore(m, false);
      // x / rms(x) of a constant vector is constant in x: its gradient is zero, not NaN.
      assertThat(gradientAfterCollection(x -> norm.forward(ps, new NDList(x), true)
          .singletonOrThrow())).containsOnly(new float[] {0f}, within(1e-6f));
    }
  }

  static float[] gradientAfterCollection(UnaryOperator<NDArray> op) {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.ones(new Shape(64));
      x.setRequiresGradient(true);
      try (GradientCollector gc = m.getEngine().newGradientCollector()) {
        NDArray loss = op.apply(x).sum();
        FreedMemory.collectAndPoison();
        gc.backward(loss);
      }
      return x.getGradient().toFloatArray();
    }
  }
}
