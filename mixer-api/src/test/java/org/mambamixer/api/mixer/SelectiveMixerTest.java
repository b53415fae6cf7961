package org.mambamixer.api.mixer;

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
import org.mambamixer.api.GradCheck;
import org.mambamixer.api.scan.ReferenceScan;
import org.mambamixer.api.scan.ScanRoute;
import org.mambamixer.api.ssm.S6Config;

/** Token and channel mixers on a (B, C, L, D) input: shapes, axes, gradients. */
class SelectiveMixerTest {
  private static final MixerSpec SPEC =
      MixerSpec.of(new S6Config(4, 2, 3, 2, 1, 1e-3f, 1e-1f, 1e-4f));
  private static final Shape X = new Shape(2, 3, 5, 4); // (B, C, L, D)

  @Test
  void tokenMixerMixesOnlyAlongTokensAndMatchesFiniteDifferences() {
    try (NDManager m = NDManager.newBaseManager()) {
      SelectiveTokenMixer mixer = new SelectiveTokenMixer(SPEC, java.util.List.of(ScanRoute.FORWARD), new ReferenceScan());
      NDArray x = GradCheck.prepare(m, mixer, X, 5);
      assertIndependentAlong(m, mixer, x, 1); // channels never see each other
      NDArray w = m.randomNormal(0, 1, X, DataType.FLOAT64);
      GradCheck.check("x", GradCheck.weightedLoss(mixer, x, w), x, 12, 1e-5);
    }
  }

  @Test
  void channelMixerIsBidirectionalWithSeparateParametersAndMatchesFiniteDifferences() {
    try (NDManager m = NDManager.newBaseManager()) {
      SelectiveChannelMixer mixer = new SelectiveChannelMixer(SPEC,
          java.util.List.of(ScanRoute.FORWARD, ScanRoute.BACKWARD), new ReferenceScan());
      NDArray x = GradCheck.prepare(m, mixer, X, 6);
      assertIndependentAlong(m, mixer, x, 2); // tokens never see each other
      assertThat(mixer.getParameters().keys())
          .anyMatch(k -> k.contains("s6_fwd")).anyMatch(k -> k.contains("s6_bwd"));
      NDArray w = m.randomNormal(0, 1, X, DataType.FLOAT64);
      var loss = GradCheck.weightedLoss(mixer, x, w);
      GradCheck.check("x", loss, x, 12, 1e-5);
      GradCheck.check("bwd A_log", loss, GradCheck.param(mixer, "s6_bwd_A_log"), 4, 1e-5);
      // Channel 0 is reached by the backward route from every channel: both directions mix.
      ParameterStore ps = new ParameterStore(m, false);
      double[] before = mixer.forward(ps, new NDList(x), false).singletonOrThrow().toDoubleArray();
      NDArray x2 = x.duplicate();
      x2.set(new ai.djl.ndarray.index.NDIndex(0, 2, 0), 3.0);
      double[] after = mixer.forward(ps, new NDList(x2), false).singletonOrThrow().toDoubleArray();
      assertThat(after[0]).isNotEqualTo(before[0]); // (b 0, c 0, l 0, d 0) sees channel 2
      assertThat(after[2 * 5 * 4]).isNotEqualTo(before[2 * 5 * 4]);
    }
  }

  @Test
  void rejectsInputsWithTheWrongFeatureSize() {
    try (NDManager m = NDManager.newBaseManager()) {
      SelectiveTokenMixer mixer = new SelectiveTokenMixer(SPEC, java.util.List.of(ScanRoute.FORWARD), new ReferenceScan());
      GradCheck.prepare(m, mixer, X, 1);
      NDArray bad = m.zeros(new Shape(2, 3, 5, 6), DataType.FLOAT64);
      assertThatThrownBy(() -> mixer.forward(new ParameterStore(m, false), new NDList(bad), false))
          .hasMessageContaining("d_model = 4").hasMessageContaining("(2, 3, 5, 6)");
    }
  }

  /** Perturbing one slice along {@code axis} changes only that slice of the output. */
  private static void assertIndependentAlong(NDManager m, SelectiveMixer mixer, NDArray x, int axis) {
    ParameterStore ps = new ParameterStore(m, false);
    NDArray before = mixer.forward(ps, new NDList(x), false).singletonOrThrow();
    NDArray x2 = x.duplicate();
    String idx = axis == 1 ? "0, 1" : "0, :, 1";
    x2.set(new ai.djl.ndarray.index.NDIndex(idx), 2.5);
    NDArray after = mixer.forward(ps, new NDList(x2), false).singletonOrThrow();
    NDArray diff = after.sub(before).abs().sum(new int[] {0, 3}); // (C, L)
    for (int other : List.of(0, 2)) {
      NDArray slice = axis == 1 ? diff.get(other) : diff.get(":, {}", other);
      assertThat(slice.max().getDouble()).as("slice %d along axis %d", other, axis).isZero();
    }
    NDArray touched = axis == 1 ? diff.get(1) : diff.get(":, 1");
    assertThat(touched.max().getDouble()).isGreaterThan(0);
  }
}
