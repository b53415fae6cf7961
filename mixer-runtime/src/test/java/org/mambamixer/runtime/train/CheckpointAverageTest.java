package org.mambamixer.runtime.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointAverageTest {

  /** A 3 -> units linear model initialised from {@code seed}. */
  private static Model linear(NDManager m, int units, int seed) {
    m.getEngine().setRandomSeed(seed);
    Model model = Model.newInstance("lin");
    Linear block = Linear.builder().setUnits(units).build();
    block.initialize(m, DataType.FLOAT32, new Shape(1, 3));
    model.setBlock(block);
    return model;
  }

  private static List<float[]> weights(Model model) {
    List<float[]> out = new ArrayList<>();
    for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
      out.add(p.getValue().getArray().toFloatArray());
    }
    return out;
  }

  @Test
  void theAverageIsTheElementWiseMeanAndStillTrains(@TempDir Path tmp) throws IOException {
    try (NDManager m = NDManager.newBaseManager()) {
      List<Path> dirs = new ArrayList<>();
      List<List<float[]>> each = new ArrayList<>();
      for (int seed = 1; seed <= 3; seed++) {
        try (Model source = linear(m, 2, seed)) {
          Path dir = tmp.resolve("c" + seed);
          Checkpoint.save(dir, source, seed, null);
          dirs.add(dir);
          each.add(weights(source));
        }
      }
      assertThat(each.get(0).get(0)).isNotEqualTo(each.get(1).get(0));
      try (Model avg = linear(m, 2, 99)) {
        Checkpoint.loadAverage(dirs, avg, m);
        List<float[]> mean = weights(avg);
        for (int p = 0; p < mean.size(); p++) {
          for (int i = 0; i < mean.get(p).length; i++) {
            float want = (each.get(0).get(p)[i] + each.get(1).get(p)[i] + each.get(2).get(p)[i])
                / 3;
            assertThat(mean.get(p)[i]).isCloseTo(want, within(1e-6f));
          }
        }
        // The averaged weights are leaves that track gradients, as after a plain load.
        try (GradientCollector gc = m.getEngine().newGradientCollector()) {
          NDList y = avg.getBlock().forward(new ParameterStore(m, false),
              new NDList(m.ones(new Shape(1, 3))), true);
          gc.backward(y.singletonOrThrow().sum());
        }
        for (Pair<String, Parameter> p : avg.getBlock().getParameters()) {
          assertThat(p.getValue().getArray().getGradient().abs().sum().getFloat())
              .as(p.getKey()).isPositive();
        }
      }
    }
  }

  @Test
  void checkpointsOfAnotherShapeAreRefusedByName(@TempDir Path tmp) throws IOException {
    try (NDManager m = NDManager.newBaseManager();
        Model two = linear(m, 2, 1);
        Model four = linear(m, 4, 2);
        Model other = linear(m, 2, 3)) {
      Checkpoint.save(tmp.resolve("two"), two, 1, null);
      Checkpoint.save(tmp.resolve("four"), four, 1, null);
      // DJL alone would load the (4, 3) weight into the (2, 3) model.
      assertThatThrownBy(() -> Checkpoint.load(tmp.resolve("four"), other, null, m))
          .isInstanceOf(IOException.class).hasMessageContaining("is (4, 3) there, (2, 3) here");
      assertThatThrownBy(() -> Checkpoint.loadAverage(
          List.of(tmp.resolve("two"), tmp.resolve("four")), two, m))
          .isInstanceOf(IOException.class).hasMessageContaining(tmp.resolve("four").toString())
          .hasMessageContaining("does not fit this model");
      assertThatThrownBy(() -> Checkpoint.loadAverage(List.of(), two, m))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
