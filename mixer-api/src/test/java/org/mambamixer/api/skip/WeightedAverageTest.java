package org.mambamixer.api.skip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mambamixer.api.GradCheck;

class WeightedAverageTest {

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 7})
  void holdsThePapersScalarCount(int layers) {
    try (NDManager m = NDManager.newBaseManager()) {
      WeightedAverage wa = new WeightedAverage(layers);
      wa.initialize(m, DataType.FLOAT32, new Shape(1));
      long total = wa.getParameters().stream().mapToLong(p -> p.getValue().getArray().size()).sum();
      assertThat(total).isEqualTo((long) layers * (2L * layers + 3)).isEqualTo(wa.scalarCount());
      assertThat(new FrozenAverage(layers).scalarCount()).isZero();
      assertThat(new ResidualSkip(layers).scalarCount()).isZero();
    }
  }

  @Test
  void identityInitPassesTheLatestOutputsAndGradientsMatchFiniteDifferences() {
    try (NDManager m = NDManager.newBaseManager()) {
      WeightedAverage wa = new WeightedAverage(3);
      wa.initialize(m, DataType.FLOAT64, new Shape(2, 3));
      for (Pair<String, Parameter> p : wa.getParameters()) {
        p.getValue().getArray().setRequiresGradient(true);
      }
      ParameterStore ps = new ParameterStore(m, false);
      List<NDArray> yt = new ArrayList<>();
      List<NDArray> yc = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        yt.add(m.randomNormal(0, 1, new Shape(2, 3), DataType.FLOAT64));
        yc.add(m.randomNormal(0, 1, new Shape(2, 3), DataType.FLOAT64));
      }
      // Layer 3: token input sees y^(0..2) of both, channel input y_T^(0..3), y_C^(0..2).
      NDArray xt = wa.tokenInput(ps, 3, yt.subList(0, 3), yc.subList(0, 3), true);
      NDArray xc = wa.channelInput(ps, 3, yt.subList(0, 4), yc.subList(0, 3), true);
      assertThat(xt.sub(yc.get(2)).abs().max().getDouble()).isZero();
      assertThat(xc.sub(yt.get(3)).abs().max().getDouble()).isZero();
      NDArray g = m.randomNormal(0, 1, new Shape(2, 3), DataType.FLOAT64);
      Supplier<NDArray> loss = () -> wa.tokenInput(ps, 3, yt.subList(0, 3), yc.subList(0, 3), true)
          .mul(g).sum().add(wa.channelInput(ps, 3, yt.subList(0, 4), yc.subList(0, 3), true).sum());
      GradCheck.check("token_3", loss, GradCheck.param(wa, "token_3"), 6, 1e-6);
      GradCheck.check("channel_3", loss, GradCheck.param(wa, "channel_3"), 7, 1e-6);
      yt.get(1).setRequiresGradient(true);
      GradCheck.check("y_T^(1)", loss, yt.get(1), 6, 1e-6);
    }
  }

  @Test
  void rejectsHistoriesOfTheWrongLength() {
    try (NDManager m = NDManager.newBaseManager()) {
      WeightedAverage wa = new WeightedAverage(2);
      wa.initialize(m, DataType.FLOAT32, new Shape(1));
      NDArray y = m.zeros(new Shape(1));
      assertThatThrownBy(() -> wa.tokenInput(new ParameterStore(m, false), 2, List.of(y),
          List.of(y, y), false)).hasMessageContaining("layer 2 needs 2 token-mixer outputs");
      assertThatThrownBy(() -> new WeightedAverage(0))
          .hasMessageContaining("layers must be positive");
    }
  }

  @Test
  void theAblationsAreDistinctAggregations() {
    try (NDManager m = NDManager.newBaseManager()) {
      ParameterStore ps = new ParameterStore(m, false);
      List<NDArray> yt = new ArrayList<>();
      List<NDArray> yc = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        yt.add(m.full(new Shape(2), i + 1f)); // y_T^(i) = i + 1
        yc.add(m.full(new Shape(2), 10f * (i + 1))); // y_C^(i) = 10 (i + 1)
      }
      // Layer 2's token input reads y^(0..1) of both histories.
      List<NDArray> t = yt.subList(0, 2);
      List<NDArray> c = yc.subList(0, 2);
      SkipAggregation residual = new ResidualSkip(2);
      SkipAggregation frozen = new FrozenAverage(2);
      SoftmaxAverage softmax = new SoftmaxAverage(2);
      softmax.initialize(m, DataType.FLOAT32, new Shape(2));
      assertThat(residual.tokenInput(ps, 2, t, c, false).toFloatArray()).containsOnly(20f);
      assertThat(frozen.tokenInput(ps, 2, t, c, false).toFloatArray())
          .containsOnly((1f + 2f + 10f + 20f) / 4);
      // Softmax starts uniform: the same mean as frozen, but it can learn.
      assertThat(softmax.tokenInput(ps, 2, t, c, false).toFloatArray())
          .containsOnly((1f + 2f + 10f + 20f) / 4);
      assertThat(softmax.scalarCount()).isEqualTo(2L * (2 * 2 + 3));
      // The channel input of layer 2 reads y_T^(0..2) and y_C^(0..1).
      assertThat(residual.channelInput(ps, 2, yt, c, false).toFloatArray()).containsOnly(3f);
      assertThat(frozen.channelInput(ps, 2, yt, c, false).toFloatArray())
          .containsOnly((1f + 2f + 3f + 10f + 20f) / 5);
    }
  }
}
