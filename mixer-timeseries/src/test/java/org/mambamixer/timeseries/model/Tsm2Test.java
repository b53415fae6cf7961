package org.mambamixer.timeseries.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import com.google.inject.Guice;
import org.junit.jupiter.api.Test;
import org.mambamixer.api.inject.MixerModule;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.api.scan.Backprop;
import org.mambamixer.api.scan.ReferenceScan;

class Tsm2Test {
  private static final Variants BACKBONES =
      Guice.createInjector(new MixerModule()).getInstance(Variants.class);

  static Tsm2Config tiny() {
    return new Tsm2Config(32, 8, 3, 8, 4, true, 8, 2, 2, 4, 2, 0f, true,
        org.mambamixer.api.block.MixerChoice.DEFAULT, Tsm2Config.Exogenous.NONE);
  }

  @Test
  void mapsAWindowToTheHorizonForEveryVariate() {
    try (NDManager m = NDManager.newBaseManager()) {
      Tsm2 model = new Tsm2(tiny(), BACKBONES, new ReferenceScan());
      assertThat(tiny().patches()).isEqualTo(8); // (32 - 8) / 4 + 1, + 1 for the padded end
      model.initialize(m, DataType.FLOAT32, model.inputShapes(5));
      NDArray y = model.forward(new ParameterStore(m, false),
          new NDList(m.randomNormal(new Shape(5, 32, 3))), false).singletonOrThrow();
      assertThat(y.getShape()).isEqualTo(new Shape(5, 8, 3));
      assertThat(model.backbone().skip().scalarCount()).isEqualTo(2 * (2 * 2 + 3));
    }
  }

  @Test
  void revinMakesTheForecastEquivariantToShiftAndScale() {
    try (NDManager m = NDManager.newBaseManager()) {
      Tsm2 model = new Tsm2(tiny(), BACKBONES, new ReferenceScan());
      model.initialize(m, DataType.FLOAT64, model.inputShapes(2));
      ParameterStore ps = new ParameterStore(m, false);
      NDArray x = m.randomNormal(0, 1, new Shape(2, 32, 3), DataType.FLOAT64);
      NDArray y = model.forward(ps, new NDList(x), false).singletonOrThrow();
      NDArray y2 = model.forward(ps, new NDList(x.mul(3).add(10)), false).singletonOrThrow();
      // Exact up to the eps inside the standard deviation.
      assertThat(y2.sub(y.mul(3).add(10)).abs().max().getDouble()).isLessThan(1e-4);
    }
  }

  @Test
  void everyParameterGetsAFiniteGradient() {
    try (NDManager m = NDManager.newBaseManager()) {
      Tsm2 model = new Tsm2(tiny().withExogenous(new Tsm2Config.Exogenous(2, 4, 2)), BACKBONES,
          new ReferenceScan());
      model.initialize(m, DataType.FLOAT32, model.inputShapes(2));
      for (Pair<String, Parameter> p : model.getParameters()) {
        p.getValue().getArray().setRequiresGradient(true);
      }
      NDList in = new NDList(m.randomNormal(new Shape(2, 32, 3)),
          m.randomNormal(new Shape(2, 3, 4, 2)), m.randomNormal(new Shape(2, 3, 2)));
      try (GradientCollector gc = m.getEngine().newGradientCollector()) {
        NDArray y = model.forward(new ParameterStore(m, false), in, true).singletonOrThrow();
        Backprop.backward(y.pow(2).mean());
      }
      for (Pair<String, Parameter> p : model.getParameters()) {
        NDArray g = p.getValue().getArray().getGradient();
        assertThat(g.isNaN().any().getBoolean()).as(p.getKey()).isFalse();
        assertThat(g.abs().sum().getFloat()).as("gradient of %s", p.getKey()).isPositive();
        if (p.getKey().contains("skip")) { // each averaging scalar weighs its own feature map
          assertThat(g.abs().min().getFloat()).as("smallest gradient of %s", p.getKey())
              .isPositive();
        }
      }
    }
  }

  @Test
  void badInputsAndConfigsAreNamed() {
    try (NDManager m = NDManager.newBaseManager()) {
      Tsm2 model = new Tsm2(tiny(), BACKBONES, new ReferenceScan());
      model.initialize(m, DataType.FLOAT32, model.inputShapes(1));
      assertThatThrownBy(() -> model.forward(new ParameterStore(m, false),
          new NDList(m.zeros(new Shape(1, 31, 3))), false))
          .hasMessageContaining("x must have shape (B, T, M) = (*, 32, 3)");
    }
    assertThatThrownBy(() -> tiny().withPatch(64, 8)).hasMessageContaining("patchLen 64");
    assertThatThrownBy(() -> tiny().withDropout(1f)).hasMessageContaining("dropout");
    assertThatThrownBy(() -> Tsm2Config.preset("ETTh1", 96, 21))
        .hasMessageContaining("ETTh1 has 21 variates but its preset expects 7");
  }
}
