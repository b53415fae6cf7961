package org.mambamixer.ablations.baselines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;
import org.mambamixer.api.block.MixerChoice;
import org.mambamixer.timeseries.model.Tsm2Config;

/** TSMixer's shapes, and that each of its MLPs mixes along its own axis only. */
class TsMixerTest {
  private static final int L = 24;
  private static final int M = 3;

  @Test
  void mapsAHistoryToTheHorizonOfEveryVariate() {
    try (NDManager m = NDManager.newBaseManager()) {
      Tsm2Config c = Tsm2Config.of(L, 6, M, 8, 2, 0.1f).withVariants(MixerChoice.DEFAULT);
      TsMixer model = new TsMixer(c, null);
      model.initialize(m, DataType.FLOAT32, model.inputShapes(4));
      NDArray y = model.forward(new ParameterStore(m, false),
          new NDList(m.randomNormal(new Shape(4, L, M))), false).singletonOrThrow();
      assertThat(y.getShape()).isEqualTo(new Shape(4, 6, M));
      assertThat(model.getOutputShapes(model.inputShapes(4))[0]).isEqualTo(new Shape(4, 6, M));
    }
  }

  /** The last batch of an epoch can hold one window, which batch statistics cannot normalise. */
  @Test
  void trainsOnABatchOfOneWindow() {
    try (NDManager m = NDManager.newBaseManager()) {
      TsMixer model = new TsMixer(Tsm2Config.of(L, 6, M, 8, 1, 0.1f), null);
      model.initialize(m, DataType.FLOAT32, model.inputShapes(1));
      NDArray y = model.forward(new ParameterStore(m, false),
          new NDList(m.randomNormal(new Shape(1, L, M))), true).singletonOrThrow();
      assertThat(y.getShape()).isEqualTo(new Shape(1, 6, M));
    }
  }

  /** Permuting the variates permutes the time mixing's output; one variate moves only itself. */
  @Test
  void timeMixingWorksOnEachVariateAlone() {
    try (NDManager m = NDManager.newBaseManager()) {
      TsMixerBlock block = block(m);
      ParameterStore ps = new ParameterStore(m, false);
      NDArray x = m.randomNormal(new Shape(2, L, M)); // (B, L, M)
      float[] y = block.timeMixing(ps, x, false).toFloatArray();
      float[] swapped = block.timeMixing(ps, swap(x, 0, 2), false).toFloatArray();
      for (int i = 0; i < y.length; i++) {
        int v = i % M;
        int partner = v == 0 ? 2 : v == 2 ? 0 : 1;
        assertThat(swapped[i]).isCloseTo(y[i - v + partner], within(1e-5f));
      }
      NDArray changed = x.duplicate();
      changed.set(new ai.djl.ndarray.index.NDIndex(":, :, 1"), 5f);
      float[] z = block.timeMixing(ps, changed, false).toFloatArray();
      for (int i = 0; i < y.length; i++) {
        if (i % M != 1) {
          assertThat(z[i]).isCloseTo(y[i], within(1e-5f));
        }
      }
    }
  }

  /** The feature mixing works on each time step alone: a changed step moves only its own row. */
  @Test
  void featureMixingWorksOnEachTimeStepAlone() {
    try (NDManager m = NDManager.newBaseManager()) {
      TsMixerBlock block = block(m);
      ParameterStore ps = new ParameterStore(m, false);
      NDArray x = m.randomNormal(new Shape(2, L, M));
      float[] y = block.featureMixing(ps, x, false).toFloatArray();
      NDArray changed = x.duplicate();
      changed.set(new ai.djl.ndarray.index.NDIndex(":, 7, :"), -3f);
      float[] z = block.featureMixing(ps, changed, false).toFloatArray();
      int moved = 0;
      for (int i = 0; i < y.length; i++) {
        int step = (i / M) % L;
        if (step != 7) {
          assertThat(z[i]).isCloseTo(y[i], within(1e-5f));
        } else if (Math.abs(z[i] - y[i]) > 1e-4f) {
          moved++;
        }
      }
      assertThat(moved).isPositive();
    }
  }

  private static TsMixerBlock block(NDManager m) {
    TsMixerBlock block = new TsMixerBlock(L, M, 16, 0.5f, null);
    block.initialize(m, DataType.FLOAT32, new Shape(2, L, M));
    return block;
  }

  /** {@code x (B, L, M)} with variates {@code a} and {@code b} exchanged. */
  private static NDArray swap(NDArray x, int a, int b) {
    NDArray out = x.duplicate();
    out.set(new ai.djl.ndarray.index.NDIndex(":, :, " + a), x.get(":, :, " + b));
    out.set(new ai.djl.ndarray.index.NDIndex(":, :, " + b), x.get(":, :, " + a));
    return out;
  }
}
