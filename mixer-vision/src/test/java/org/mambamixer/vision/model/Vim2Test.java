package org.mambamixer.vision.model;

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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mambamixer.api.scan.Backprop;
import org.mambamixer.api.scan.ReferenceScan;

class Vim2Test {

  /** Two stages of 4 x 4 and 2 x 2 tokens on 8 x 8 images; stage 2 has two 2:1 layers. */
  static Vim2Config tiny() {
    return new Vim2Config("test-tiny", 8, 3, 5, 2, List.of(8, 16), List.of(1, 4), List.of(1, 2),
        2, 4, CrossScanRoute.ALL, 2, 4);
  }

  static long countParameters(Vim2 model) {
    long n = 0;
    for (Pair<String, Parameter> p : model.getParameters()) {
      n += p.getValue().getArray().getShape().size();
    }
    return n;
  }

  @Test
  void classifiesAndReturnsEveryStageMap() {
    try (NDManager m = NDManager.newBaseManager()) {
      Vim2 model = new Vim2(tiny(), new ReferenceScan());
      model.initialize(m, DataType.FLOAT32, model.inputShape(2));
      ParameterStore ps = new ParameterStore(m, false);
      NDArray x = m.randomNormal(model.inputShape(2));
      NDArray logits = model.forward(ps, new NDList(x), false).singletonOrThrow();
      assertThat(logits.getShape()).isEqualTo(new Shape(2, 5));
      NDList maps = model.backbone().forward(ps, new NDList(x), false);
      assertThat(maps).hasSize(2);
      assertThat(maps.get(0).getShape()).isEqualTo(new Shape(2, 4, 4, 8));
      assertThat(maps.get(1).getShape()).isEqualTo(new Shape(2, 2, 2, 16));
      assertThat(model.backbone().stages().get(1).skip().scalarCount()).isEqualTo(2 * (2 * 2 + 3));
    }
  }

  @Test
  void analyticParameterCountEqualsDjlsCount() {
    for (Vim2Config c : List.of(tiny(), Vim2Config.TINY_28, tiny().withRoutes(
        List.of(CrossScanRoute.ROWS, CrossScanRoute.COLUMNS_REVERSED)))) {
      try (NDManager m = NDManager.newBaseManager()) {
        Vim2 model = new Vim2(c, new ReferenceScan());
        model.initialize(m, DataType.FLOAT32, model.inputShape(1));
        assertThat(countParameters(model)).as(c.name()).isEqualTo(Vim2Summary.total(c));
      }
    }
  }

  @Test
  void presetsAt224CountTheirParameters() {
    // Within 5 % of Table 2's 20 M for Tiny; Small and Base fall short (docs/vim2-notes.md).
    assertThat(Vim2Summary.total(Vim2Config.TINY)).isBetween(19_000_000L, 21_000_000L);
    assertThat(Vim2Summary.total(Vim2Config.TINY)).isEqualTo(19_327_666L);
    assertThat(Vim2Summary.total(Vim2Config.SMALL)).isEqualTo(33_699_316L);
    assertThat(Vim2Summary.total(Vim2Config.BASE)).isEqualTo(57_830_388L);
    List<String> rows = Vim2Summary.rows(Vim2Config.TINY);
    assertThat(rows.get(rows.size() - 1)).isEqualTo("total parameters: 19327666");
    assertThat(rows).anyMatch(r -> r.startsWith("stage 3") && r.contains("(14, 14, 384)")
        && r.contains("6 token + 3 channel"));
  }

  @Test
  void tinyPresetHasItsCountedParametersAndStrides4To32() {
    try (NDManager m = NDManager.newBaseManager()) {
      Vim2 model = new Vim2(Vim2Config.TINY, new ReferenceScan());
      // 32 x 32 is the smallest input the 224 preset takes; parameters do not depend on it.
      Shape in = new Shape(1, 3, 32, 32);
      model.initialize(m, DataType.FLOAT32, in);
      assertThat(countParameters(model)).isEqualTo(19_327_666L);
      NDList maps = model.backbone().forward(new ParameterStore(m, false),
          new NDList(m.randomNormal(in)), false);
      assertThat(maps.stream().map(NDArray::getShape)).containsExactly(new Shape(1, 8, 8, 96),
          new Shape(1, 4, 4, 192), new Shape(1, 2, 2, 384), new Shape(1, 1, 1, 768));
    }
  }

  @Test
  void oneModelRunsAtTwoResolutions() {
    try (NDManager m = NDManager.newBaseManager()) {
      Vim2 model = new Vim2(tiny(), new ReferenceScan());
      model.initialize(m, DataType.FLOAT32, model.inputShape(1));
      ParameterStore ps = new ParameterStore(m, false);
      NDArray small = m.randomNormal(new Shape(1, 3, 8, 8));
      NDArray large = m.randomNormal(new Shape(1, 3, 12, 16));
      NDList maps = model.backbone().forward(ps, new NDList(large), false);
      assertThat(maps.get(0).getShape()).isEqualTo(new Shape(1, 6, 8, 8));
      assertThat(maps.get(1).getShape()).isEqualTo(new Shape(1, 3, 4, 16));
      assertThat(model.forward(ps, new NDList(large), false).singletonOrThrow().getShape())
          .isEqualTo(new Shape(1, 5));
      assertThat(model.forward(ps, new NDList(small), false).singletonOrThrow().getShape())
          .isEqualTo(new Shape(1, 5));
      assertThatThrownBy(() -> model.forward(ps, new NDList(m.randomNormal(new Shape(1, 3, 10, 8))),
          false)).hasMessageContaining("multiples of the total stride 4");
    }
  }

  @Test
  void everyParameterGetsAGradient() {
    try (NDManager m = NDManager.newBaseManager()) {
      Vim2 model = new Vim2(tiny(), new ReferenceScan());
      model.initialize(m, DataType.FLOAT32, model.inputShape(2));
      for (Pair<String, Parameter> p : model.getParameters()) {
        p.getValue().getArray().setRequiresGradient(true);
      }
      try (GradientCollector gc = m.getEngine().newGradientCollector()) {
        NDArray y = model.forward(new ParameterStore(m, false),
            new NDList(m.randomNormal(model.inputShape(2))), true).singletonOrThrow();
        Backprop.backward(y.pow(2).mean());
      }
      for (Pair<String, Parameter> p : model.getParameters()) {
        NDArray g = p.getValue().getArray().getGradient();
        assertThat(g.isNaN().any().getBoolean()).as(p.getKey()).isFalse();
        assertThat(g.abs().sum().getFloat()).as("gradient of %s", p.getKey()).isPositive();
      }
    }
  }

  @Test
  void configsAreValidated() {
    assertThatThrownBy(() -> tiny().withImage(10, 3, 5)).hasMessageContaining("total stride");
    assertThatThrownBy(() -> new Vim2Config("x", 8, 3, 5, 2, List.of(8), List.of(3), List.of(2),
        2, 4, CrossScanRoute.ALL, 2, 4)).hasMessageContaining("must divide depths 3");
    assertThatThrownBy(() -> Vim2Config.preset("vim2-huge")).hasMessageContaining("vim2-tiny-28");
    assertThat(Vim2Config.preset("vim2-tiny-32").totalStride()).isEqualTo(16);
    assertThat(Vim2Config.presetNames()).containsExactly("vim2-base", "vim2-small", "vim2-tiny",
        "vim2-tiny-28", "vim2-tiny-32");
  }
}
