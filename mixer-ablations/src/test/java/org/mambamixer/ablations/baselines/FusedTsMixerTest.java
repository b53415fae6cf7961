package org.mambamixer.ablations.baselines;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mambamixer.api.scan.Backprop;
import org.mambamixer.cuda.bridge.FeatureMlpOp;
import org.mambamixer.cuda.cpu.FeatureMlpKernel;
import org.mambamixer.timeseries.model.Tsm2Config;

/**
 * TSMixer with its feature MLPs fused ({@link FeatureMlpOp}) is the engine-op TSMixer: the same
 * forecasts in training (the same dropout masks) and in evaluation, the same loss and the same
 * gradient of every parameter after one step, for any number of kernel threads.
 */
class FusedTsMixerTest {
  private static final int L = 24;
  private static final int H = 6;
  private static final int M = 3;

  private record Step(float[] train, float[] eval, Map<String, float[]> grads) {}

  private static Step step(FeatureMlpOp fused, float dropout) {
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed(11);
      // hidden 24: three vectors of 8; 5 windows x 24 steps = 120 rows, not a whole unit
      TsMixer model = new TsMixer(Tsm2Config.of(L, H, M, 24, 2, dropout), fused);
      model.initialize(m, DataType.FLOAT32, model.inputShapes(5));
      for (Pair<String, Parameter> p : model.getParameters()) {
        if (p.getValue().requiresGradient()) { // not batch norm's running statistics
          p.getValue().getArray().setRequiresGradient(true);
        }
      }
      NDArray x = m.randomNormal(new Shape(5, L, M));
      NDArray y = m.randomNormal(new Shape(5, H, M));
      float[] train;
      try (GradientCollector gc = m.getEngine().newGradientCollector()) {
        m.getEngine().setRandomSeed(23);
        NDArray pred = model.forward(new ParameterStore(m, false), new NDList(x), true)
            .singletonOrThrow();
        train = pred.toFloatArray();
        Backprop.backward(pred.sub(y).square().mean());
      }
      Map<String, float[]> grads = new LinkedHashMap<>();
      for (Pair<String, Parameter> p : model.getParameters()) {
        if (p.getValue().requiresGradient()) {
          grads.put(p.getKey(), p.getValue().getArray().getGradient().toFloatArray());
        }
      }
      float[] eval = model.forward(new ParameterStore(m, false), new NDList(x), false)
          .singletonOrThrow().toFloatArray();
      return new Step(train, eval, grads);
    }
  }

  @ParameterizedTest(name = "dropout {0}, {1} threads")
  @CsvSource({"0.5, 1", "0.5, 3", "0.0, 2"})
  void fusedEqualsEngineOps(float dropout, int threads) {
    Step ref = step(null, dropout);
    Step got = step(new FeatureMlpOp(new FeatureMlpKernel(threads)), dropout);
    close("training forecast", got.train(), ref.train(), 1e-5f);
    close("evaluation forecast", got.eval(), ref.eval(), 1e-5f);
    assertThat(got.grads().keySet()).isEqualTo(ref.grads().keySet());
    int checked = 0;
    for (String k : ref.grads().keySet()) {
      close("gradient of " + k, got.grads().get(k), ref.grads().get(k), 1e-4f);
      checked += k.contains("up") || k.contains("down") ? 1 : 0;
    }
    assertThat(checked).isEqualTo(8); // both blocks' up and down weights and biases
  }

  /** Max |a - e| within tol x the largest |e| (and e not all zero, so the test can fail). */
  private static void close(String what, float[] a, float[] e, float tol) {
    assertThat(a).as(what).hasSameSizeAs(e);
    float scale = 0;
    float diff = 0;
    for (int i = 0; i < e.length; i++) {
      scale = Math.max(scale, Math.abs(e[i]));
      diff = Math.max(diff, Math.abs(a[i] - e[i]));
    }
    assertThat(scale).as("%s is not all zero", what).isPositive();
    assertThat(diff).as("%s (scale %s)", what, scale).isLessThanOrEqualTo(tol * scale);
  }
}
