package org.mambamixer.ablations.baselines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;
import org.mambamixer.api.FreedMemory;
import org.mambamixer.timeseries.model.Tsm2Config;

/**
 * PatchTST's shapes, that it forecasts each variate from that variate alone, and that its
 * gradients survive a garbage collection between forward and backward.
 */
class PatchTstTest {
  private static final int L = 32;
  private static final int M = 3;
  private static final int H = 6;

  private static PatchTst model(NDManager m) {
    Tsm2Config c = Tsm2Config.of(L, H, M, 8, 2, 0.3f).withPatch(8, 4);
    PatchTst model = new PatchTst(c);
    model.initialize(m, DataType.FLOAT32, model.inputShapes(4));
    return model;
  }

  @Test
  void mapsAHistoryToTheHorizonOfEveryVariate() {
    try (NDManager m = NDManager.newBaseManager()) {
      PatchTst model = model(m);
      NDArray y = model.forward(new ParameterStore(m, false),
          new NDList(m.randomNormal(new Shape(4, L, M))), false).singletonOrThrow();
      assertThat(y.getShape()).isEqualTo(new Shape(4, H, M));
      assertThat(model.getOutputShapes(model.inputShapes(4))[0]).isEqualTo(new Shape(4, H, M));
    }
  }

  /** Channel independence: another history for variate 1 moves variate 1's forecast only. */
  @Test
  void eachVariateIsForecastFromItsOwnHistory() {
    try (NDManager m = NDManager.newBaseManager()) {
      PatchTst model = model(m);
      ParameterStore ps = new ParameterStore(m, false);
      NDArray x = m.randomNormal(new Shape(2, L, M)); // (B, L, M)
      NDArray changed = x.duplicate();
      changed.set(new NDIndex(":, :, 1"), m.randomNormal(new Shape(2, L)));
      float[] y = model.forward(ps, new NDList(x), false).singletonOrThrow().toFloatArray();
      float[] z = model.forward(ps, new NDList(changed), false).singletonOrThrow().toFloatArray();
      int moved = 0;
      for (int i = 0; i < y.length; i++) { // (B, H, M) row-major: the variate is i % M
        if (i % M != 1) {
          assertThat(z[i]).isCloseTo(y[i], within(1e-5f));
        } else if (Math.abs(z[i] - y[i]) > 1e-4f) {
          moved++;
        }
      }
      assertThat(moved).isPositive();
    }
  }

  /**
   * The attention's 1 / sqrt(d_k) is a constant the backward needs. Divided as a plain number it
   * lived in a Java buffer that a collection frees, and training went NaN at random late batches
   * (PatchTST on ETTh2 at epochs 42 and 54); here the collection is forced and the freed memory
   * refilled with NaN, so that shows every time.
   */
  @Test
  void gradientsSurviveACollectionBetweenForwardAndBackward() {
    float[] plain = inputGradient(false);
    assertThat(plain).doesNotContain(Float.NaN).isNotEqualTo(new float[plain.length]);
    assertThat(inputGradient(true)).containsExactly(plain, within(1e-6f));
  }

  private static float[] inputGradient(boolean collect) {
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed(7); // the same weights and history in both runs
      PatchTst model = new PatchTst(Tsm2Config.of(L, H, M, 8, 2, 0f).withPatch(8, 4));
      model.initialize(m, DataType.FLOAT32, model.inputShapes(4));
      NDArray x = m.randomNormal(new Shape(4, L, M)); // (B, L, M)
      x.setRequiresGradient(true);
      try (GradientCollector gc = m.getEngine().newGradientCollector()) {
        NDArray loss = model.forward(new ParameterStore(m, false), new NDList(x), true)
            .singletonOrThrow().square().sum();
        if (collect) {
          FreedMemory.collectAndPoison();
        }
        gc.backward(loss);
      }
      return x.getGradient().toFloatArray();
    }
  }
}
