package org.mambamixer.timeseries.model;

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
import org.junit.jupiter.params.provider.ValueSource;
import org.mambamixer.ablations.Assembled;
import org.mambamixer.api.block.MixerChoice;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.api.scan.Backprop;
import org.mambamixer.cuda.gpu.CudaProbe;

/**
 * One training step of a whole TSM2 model gives the same loss and the same gradient of every
 * parameter whichever scan backend is bound (reference DJL ops, CPU kernel, CUDA where usable).
 */
class BackendParityTest {

  private static Map<String, float[]> step(String backend, String skip, float[] lossOut) {
    Variants variants = Assembled.variants();
    Tsm2Config c = new Tsm2Config(32, 8, 3, 8, 4, true, 8, 2, 2, 4, 3, 0f, true,
        MixerChoice.DEFAULT.withSkip(skip),
        Tsm2Config.Exogenous.NONE);
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed(17);
      Tsm2 model = new Tsm2(c, variants, variants.scan(backend));
      model.initialize(m, DataType.FLOAT32, model.inputShapes(4));
      for (Pair<String, Parameter> p : model.getParameters()) {
        p.getValue().getArray().setRequiresGradient(true);
      }
      NDArray x = m.randomNormal(new Shape(4, 32, 3));
      NDArray y = m.randomNormal(new Shape(4, 8, 3));
      try (GradientCollector gc = m.getEngine().newGradientCollector()) {
        NDArray pred = model.forward(new ParameterStore(m, false), new NDList(x), true)
            .singletonOrThrow();
        NDArray loss = pred.sub(y).square().mean();
        lossOut[0] = loss.getFloat();
        Backprop.backward(loss);
      }
      Map<String, float[]> grads = new LinkedHashMap<>();
      for (Pair<String, Parameter> p : model.getParameters()) {
        grads.put(p.getKey(), p.getValue().getArray().getGradient().toFloatArray());
      }
      return grads;
    }
  }

  @ParameterizedTest(name = "skip {0}")
  @ValueSource(strings = {"learned", "softmax", "frozen", "residual"})
  void everyParameterGradientAgreesAcrossBackends(String skip) {
    float[] refLoss = new float[1];
    Map<String, float[]> ref = step("reference", skip, refLoss);
    String[] others = CudaProbe.verdict().available()
        ? new String[] {"cpu", "cuda"} : new String[] {"cpu"};
    for (String b : others) {
      float[] loss = new float[1];
      Map<String, float[]> g = step(b, skip, loss);
      assertThat(loss[0]).as("%s loss", b).isCloseTo(refLoss[0], org.assertj.core.data.Offset.offset(1e-5f));
      assertThat(g.keySet()).isEqualTo(ref.keySet());
      for (String k : ref.keySet()) {
        float[] a = ref.get(k);
        float[] e = g.get(k);
        float scale = 0;
        float diff = 0;
        for (int i = 0; i < a.length; i++) {
          scale = Math.max(scale, Math.abs(a[i]));
          diff = Math.max(diff, Math.abs(a[i] - e[i]));
        }
        // Zero only where it must be: softmax over a single weight has no gradient.
        assertThat(scale > 0 || skip.equals("softmax")).as("reference gradient of %s", k).isTrue();
        assertThat(diff).as("%s gradient of %s (scale %s)", b, k, scale)
            .isLessThanOrEqualTo(1e-3f * scale + 1e-7f);
      }
    }
  }
}
