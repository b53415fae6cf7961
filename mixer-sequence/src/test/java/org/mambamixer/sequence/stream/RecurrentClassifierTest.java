package org.mambamixer.sequence.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.mambamixer.sequence.model.SequenceClassifier;
import org.mambamixer.sequence.model.SequenceConfig;
import org.mambamixer.sequence.model.TestModels;

/** The recurrent step against the full-sequence forward, and its constant memory. */
class RecurrentClassifierTest {

  /**
   * Every skip weight drawn at random, so the comparison covers the skip's mixing of earlier
   * outputs and not only its identity init.
   */
  private static void randomiseSkip(SequenceClassifier model, NDManager m) {
    model.backbone().skip().getParameters().forEach(p -> {
      NDArray w = p.getValue().getArray();
      w.set(m.randomUniform(-1f, 1f, w.getShape()).toFloatArray());
    });
  }

  @ParameterizedTest(name = "{0} skip, {1} channel mixer")
  @CsvSource({"learned, selective-bidirectional", "frozen, selective", "residual, selective-bidirectional"})
  void logitsAfterEveryTokenEqualTheFullForward(String skip, String channelMixer) {
    try (NDManager m = NDManager.newBaseManager()) {
      SequenceConfig c = TestModels.tiny(10, 2)
          .withVariants(SequenceConfig.DEFAULT_VARIANTS.withSkip(skip)
              .withChannelMixer(channelMixer));
      SequenceClassifier model = TestModels.build(c, m, 3);
      randomiseSkip(model, m);
      NDArray x = m.randomNormal(new Shape(3, 10, 2));
      ParameterStore ps = new ParameterStore(m, false);
      try (RecurrentClassifier stream = new RecurrentClassifier(model, m)) {
        RecurrentClassifier.State s = stream.start(m, 3);
        for (int t = 1; t <= 10; t++) {
          s = stream.step(s, x.get(":, {}, :", t - 1));
          // The first t tokens through the full forward of a model of length t: same weights.
          float[] full = model.forward(ps, new NDList(x.get(":, :{}, :", t)), false)
              .singletonOrThrow().toFloatArray();
          float[] streamed = stream.logits(s).toFloatArray();
          assertThat(maxAbsDiff(full, streamed)).as("after %d tokens", t).isLessThanOrEqualTo(1e-4);
        }
        s.close();
      }
    }
  }

  @Test
  void stateSizeIsIndependentOfTheLengthAndEachStepFreesTheOldState() {
    try (NDManager m = NDManager.newBaseManager()) {
      SequenceConfig c = TestModels.tiny(64, 1);
      SequenceClassifier model = TestModels.build(c, m, 2);
      NDArray x = m.randomNormal(new Shape(2, 64, 1));
      try (RecurrentClassifier stream = new RecurrentClassifier(model, m)) {
        RecurrentClassifier.State s = stream.start(m, 2);
        // Per layer, one forward route: window (B, E, k-1) + h (B, E, N); plus the pooled (B, D).
        long b = 2;
        long e = 2 * 8;
        long expected = 2 * (b * e * 3 + b * e * 4) + b * 8;
        assertThat(s.elements()).isEqualTo(expected);
        List<Long> sizes = new ArrayList<>();
        for (int t = 0; t < 64; t++) {
          RecurrentClassifier.State before = s;
          s = stream.step(s, x.get(":, {}, :", t));
          assertThat(before.arrays()).allMatch(NDArray::isReleased);
          sizes.add(s.elements());
        }
        assertThat(sizes).containsOnly(expected);
        assertThat(s.steps()).isEqualTo(64);
        s.close();
      }
    }
  }

  @Test
  void aBidirectionalTokenMixerHasNoRecurrentStep() {
    try (NDManager m = NDManager.newBaseManager()) {
      SequenceConfig c = TestModels.tiny(4, 1).withVariants(
          SequenceConfig.DEFAULT_VARIANTS.withTokenMixer("selective-bidirectional"));
      SequenceClassifier model = TestModels.build(c, m, 1);
      assertThatThrownBy(() -> new RecurrentClassifier(model, m))
          .isInstanceOf(UnsupportedOperationException.class)
          .hasMessageContaining("scans backwards");
    }
  }

  static double maxAbsDiff(float[] a, float[] b) {
    assertThat(a).hasSameSizeAs(b);
    double d = 0;
    for (int i = 0; i < a.length; i++) {
      d = Math.max(d, Math.abs(a[i] - b[i]));
    }
    return d;
  }

}
