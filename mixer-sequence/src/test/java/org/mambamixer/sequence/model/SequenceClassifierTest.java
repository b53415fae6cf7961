package org.mambamixer.sequence.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mambamixer.api.mixer.SelectiveChannelMixer;
import org.mambamixer.api.scan.ReferenceScan;
import org.mambamixer.api.scan.ScanRoute;

class SequenceClassifierTest {

  @Test
  void mapsSequencesToOneRowOfLogitsEach() {
    try (NDManager m = NDManager.newBaseManager()) {
      SequenceClassifier model = TestModels.build(TestModels.tiny(12, 2), m, 3);
      NDArray x = m.randomNormal(new Shape(3, 12, 2));
      NDArray logits = model.forward(new ParameterStore(m, false), new NDList(x), false)
          .singletonOrThrow();
      assertThat(logits.getShape()).isEqualTo(new Shape(3, 10));
      assertThat(logits.isInfinite().any().getBoolean()).isFalse();
      assertThat(logits.isNaN().any().getBoolean()).isFalse();
      assertThatThrownBy(() -> model.forward(new ParameterStore(m, false),
          new NDList(m.zeros(new Shape(3, 12, 3))), false))
          .hasMessageContaining("input must be (B, L, 2)");
    }
  }

  @Test
  void causalTokenMixingMeansAnEarlyTokenChangesTheLogitsAndTheModelIsDeterministic() {
    try (NDManager m = NDManager.newBaseManager()) {
      SequenceClassifier a = TestModels.build(TestModels.tiny(6, 1), m, 2);
      SequenceClassifier b = TestModels.build(TestModels.tiny(6, 1), m, 2);
      NDArray x = m.randomNormal(new Shape(2, 6, 1));
      ParameterStore ps = new ParameterStore(m, false);
      float[] ya = a.forward(ps, new NDList(x), false).singletonOrThrow().toFloatArray();
      float[] yb = b.forward(ps, new NDList(x), false).singletonOrThrow().toFloatArray();
      assertThat(ya).containsExactly(yb); // same seed, same parameters
      NDArray x2 = x.duplicate();
      x2.set(new ai.djl.ndarray.index.NDIndex("0, 0, 0"), 3f);
      float[] y2 = a.forward(ps, new NDList(x2), false).singletonOrThrow().toFloatArray();
      assertThat(y2[0]).isNotEqualTo(ya[0]); // the first image's logits move
      assertThat(java.util.Arrays.copyOfRange(y2, 10, 20))
          .containsExactly(java.util.Arrays.copyOfRange(ya, 10, 20)); // the second's do not
    }
  }

  @Test
  void onTheSizeOneChannelAxisTheSelectiveChannelMixerIsTokenLocal() {
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed(3);
      SelectiveChannelMixer mixer = new SelectiveChannelMixer(
          TestModels.tiny(5, 1).backbone().mixers(),
          List.of(ScanRoute.FORWARD, ScanRoute.BACKWARD), new ReferenceScan());
      mixer.initialize(m, DataType.FLOAT32, new Shape(2, 1, 5, 8));
      ParameterStore ps = new ParameterStore(m, false);
      NDArray x = m.randomNormal(new Shape(2, 1, 5, 8)); // (B, C = 1, L, D)
      NDArray y = mixer.forward(ps, new NDList(x), false).singletonOrThrow();
      // Token 3 alone gives what it gives within the sequence: nothing crosses the tokens.
      NDArray one = mixer.forward(ps, new NDList(x.get(":, :, 3:4, :")), false).singletonOrThrow();
      assertThat(one.toFloatArray()).containsExactly(y.get(":, :, 3:4, :").toFloatArray(),
          org.assertj.core.api.Assertions.within(1e-6f));
      assertThat(y.get(":, :, 3:4, :").sub(x.get(":, :, 3:4, :")).abs().sum().getFloat())
          .isPositive(); // and it does change the token
    }
  }
}
