package org.mambamixer.api.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import com.google.inject.Guice;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mambamixer.api.GradCheck;
import org.mambamixer.api.inject.MixerModule;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.api.scan.ReferenceScan;
import org.mambamixer.api.scan.Backprop;
import org.mambamixer.api.scan.Recompute;
import org.mambamixer.api.ssm.S6Config;

class MambaMixerBackboneTest {
  private static final Shape X = new Shape(2, 3, 6, 8); // (B, C, L, D)

  private static MambaMixerBackbone backbone(int layers) {
    BackboneConfig cfg = BackboneConfig.of(layers, 8)
        .withMixers(org.mambamixer.api.mixer.MixerSpec.of(
            new S6Config(8, 2, 4, 3, 1, 1e-3f, 1e-1f, 1e-4f)));
    return Guice.createInjector(new MixerModule()).getInstance(Variants.class)
        .backbone(cfg, new ReferenceScan());
  }

  @Test
  void keepsTheShapeAndHoldsLTimes2LPlus3AveragingScalars() {
    try (NDManager m = NDManager.newBaseManager()) {
      for (int layers : new int[] {1, 3}) {
        MambaMixerBackbone net = backbone(layers);
        net.initialize(m, DataType.FLOAT32, X);
        NDArray y = net.forward(new ParameterStore(m, false), new NDList(m.ones(X)), false)
            .singletonOrThrow();
        assertThat(y.getShape()).isEqualTo(X);
        long scalars = net.getParameters().stream().filter(p -> p.getKey().contains("skip"))
            .mapToLong(p -> p.getValue().getArray().size()).sum();
        assertThat(scalars).isEqualTo((long) layers * (2L * layers + 3));
      }
    }
  }

  @Test
  void inputGradientMatchesFiniteDifferences() {
    try (NDManager m = NDManager.newBaseManager()) {
      MambaMixerBackbone net = backbone(2);
      NDArray x = GradCheck.prepare(m, net, X, 3);
      NDArray w = m.randomNormal(0, 1, X, DataType.FLOAT64);
      var loss = GradCheck.weightedLoss(net, x, w);
      GradCheck.check("x", loss, x, 10, 1e-5);
      GradCheck.check("skip channel_2", loss, GradCheck.param(net, "channel_2"), 5, 1e-5);
    }
  }

  @Test
  void everyParameterAndEveryAveragingScalarGetsAGradient() {
    try (NDManager m = NDManager.newBaseManager()) {
      MambaMixerBackbone net = backbone(3);
      NDArray x = GradCheck.prepare(m, net, X, 5);
      NDArray w = m.randomNormal(0, 1, X, DataType.FLOAT64);
      try (GradientCollector gc = m.getEngine().newGradientCollector()) {
        Backprop.backward(GradCheck.weightedLoss(net, x, w).get());
      }
      int scalars = 0;
      for (var p : net.getParameters()) {
        NDArray g = p.getValue().getArray().getGradient();
        assertThat(g.abs().sum().getDouble()).as("gradient of %s", p.getKey()).isPositive();
        if (p.getKey().contains("skip")) {
          // Each scalar weighs its own earlier feature map, so none may be cut off.
          assertThat(g.abs().min().getDouble()).as("smallest gradient of %s", p.getKey())
              .isPositive();
          scalars += (int) g.size();
        }
      }
      assertThat(scalars).isEqualTo(3 * (2 * 3 + 3));
    }
  }

  @Test
  void recomputedLayersGiveTheGradientsOfRecordedOnes() {
    try (NDManager m = NDManager.newBaseManager()) {
      double[][] plain = gradients(m, false);
      double[][] recomputed = gradients(m, true);
      assertThat(recomputed.length).isEqualTo(plain.length);
      for (int i = 0; i < plain.length; i++) {
        assertThat(plain[i]).as("gradient %d", i).isNotEqualTo(new double[plain[i].length]);
        for (int k = 0; k < plain[i].length; k++) {
          // Float64; the two differ only in the order the engine adds a gradient's parts.
          assertThat(recomputed[i][k]).as("gradient %d [%d]", i, k)
              .isCloseTo(plain[i][k], within(1e-12 + 1e-9 * Math.abs(plain[i][k])));
        }
      }
    }
  }

  /** The input's gradient, then every parameter's, of a weighted loss of a fresh seeded net. */
  private static double[][] gradients(NDManager m, boolean recompute) {
    MambaMixerBackbone net = backbone(2);
    NDArray x = GradCheck.prepare(m, net, X, 7);
    NDArray w = m.randomNormal(0, 1, X, DataType.FLOAT64);
    try (Recompute.Mode r = Recompute.enable(recompute);
        GradientCollector gc = m.getEngine().newGradientCollector()) {
      NDArray loss = GradCheck.weightedLoss(net, x, w).get();
      // Recomputed: each of the 2 x 2 sublayers left one node, and the cut of the backbone's
      // input one (the reference scan leaves none).
      assertThat(Backprop.pending()).isEqualTo(recompute ? 5 : 0);
      Backprop.backward(loss);
    }
    List<double[]> out = new ArrayList<>();
    out.add(x.getGradient().toDoubleArray());
    for (var p : net.getParameters()) {
      out.add(p.getValue().getArray().getGradient().toDoubleArray());
    }
    return out.toArray(double[][]::new);
  }

  @Test
  void sameSeedGivesBitwiseIdenticalParametersAndLosses() {
    float[][] a = train(42);
    float[][] b = train(42);
    assertThat(a[0]).containsExactly(b[0]);
    assertThat(a[1]).containsExactly(b[1]);
    assertThat(Arrays.equals(a[1], train(43)[1])).isFalse();
  }

  /** Three Adam steps; returns {losses, flattened parameters}. */
  private static float[][] train(int seed) {
    try (NDManager m = NDManager.newBaseManager(); Model model = Model.newInstance("det")) {
      m.getEngine().setRandomSeed(seed);
      MambaMixerBackbone net = backbone(2);
      net.initialize(model.getNDManager(), DataType.FLOAT32, X);
      model.setBlock(net);
      NDArray x = m.randomNormal(X);
      NDArray target = m.randomNormal(X);
      float[] losses = new float[3];
      try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.l2Loss())
          .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-2f)).build()))) {
        for (int step = 0; step < 3; step++) {
          try (GradientCollector gc = trainer.newGradientCollector()) {
            NDArray y = trainer.forward(new NDList(x)).singletonOrThrow();
            NDArray loss = y.sub(target).pow(2).mean();
            losses[step] = loss.getFloat();
            Backprop.backward(loss);
          }
          trainer.step();
        }
      }
      float[] params = net.getParameters().stream()
          .map(p -> p.getValue().getArray().toFloatArray())
          .reduce(new float[0], MambaMixerBackboneTest::concat);
      assertThat(losses[2]).isLessThan(losses[0]);
      return new float[][] {losses, params};
    }
  }

  private static float[] concat(float[] a, float[] b) {
    float[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  @Test
  void invalidConfigurationsNameTheField() {
    assertThatThrownBy(() -> BackboneConfig.of(0, 8)).hasMessageContaining("layers");
    assertThatThrownBy(() -> BackboneConfig.of(2, 8).withSkip(" ")).hasMessageContaining("skip");
    assertThatThrownBy(() -> MixerChoice.DEFAULT.withNorm(null)).hasMessageContaining("norm");
    assertThatThrownBy(() -> S6Config.mamba(-1)).hasMessageContaining("dModel");
    assertThatThrownBy(() -> new S6Config(8, 2, 0, 4, 1, 1e-3f, 1e-1f, 1e-4f))
        .hasMessageContaining("dState");
    assertThatThrownBy(() -> new S6Config(8, 2, 4, 4, 1, 1e-1f, 1e-3f, 1e-4f))
        .hasMessageContaining("dtMin");
    assertThatThrownBy(() -> new org.mambamixer.api.mixer.MixerSpec(S6Config.mamba(8), 1, 1)).hasMessageContaining("tokenAxis");
  }
}
