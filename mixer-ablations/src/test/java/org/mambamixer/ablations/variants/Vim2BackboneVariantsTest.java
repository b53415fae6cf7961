package org.mambamixer.ablations.variants;

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
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mambamixer.ablations.Assembled;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.api.scan.Backprop;
import org.mambamixer.vision.model.Vim2;
import org.mambamixer.vision.model.Vim2Backbone;
import org.mambamixer.vision.model.Vim2Config;

/**
 * The backbones of the vision study (studies/vim2-vs-backbones.json) build, run and train: ViM2,
 * ViM2-MLP, a ViT-like and an MLP-Mixer-like backbone, all from registered variants on ViM2's
 * stages. The grid mixers must mix globally: a change in one corner reaches the opposite one.
 */
class Vim2BackboneVariantsTest {

  private static Vim2 build(Variants v, String token, String channel, String skip) {
    Vim2Config c = Vim2Config.TINY_28.withImage(8, 1, 3).withWidths(List.of(8, 16));
    return new Vim2(new Vim2Backbone(c, v.tokenMixer(token), v.channelMixer(channel),
        v.skip(skip), v.norm("layer"), v.scan("reference")));
  }

  @ParameterizedTest(name = "{0} + {1} + {2}")
  @CsvSource({
      "cross-scan, lifted, learned",
      "cross-scan, feature-mlp, residual",
      "attention-grid, feature-mlp, residual",
      "mlp-grid, feature-mlp, residual"})
  void everyStudyBackboneTrainsAndReachesEveryParameter(String token, String channel,
      String skip) {
    Variants variants = Assembled.variants();
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed(3);
      Vim2 model = build(variants, token, channel, skip);
      model.initialize(m, DataType.FLOAT32, model.inputShape(2));
      for (Pair<String, Parameter> p : model.getParameters()) {
        p.getValue().getArray().setRequiresGradient(true);
      }
      NDArray x = m.randomNormal(model.inputShape(2));
      ParameterStore ps = new ParameterStore(m, false);
      try (GradientCollector gc = m.getEngine().newGradientCollector()) {
        NDArray logits = model.forward(ps, new NDList(x), true).singletonOrThrow();
        assertThat(logits.getShape()).isEqualTo(new Shape(2, 3));
        Backprop.backward(logits.square().sum());
      }
      for (Pair<String, Parameter> p : model.getParameters()) {
        NDArray g = p.getValue().getArray().getGradient();
        assertThat(g.isNaN().any().getBoolean()).as("NaN in %s", p.getKey()).isFalse();
        assertThat(g.abs().sum().getFloat()).as("gradient of %s", p.getKey()).isPositive();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"attention-grid", "mlp-grid"})
  void gridMixersMixAcrossRowsAndColumns(String token) {
    Variants variants = Assembled.variants();
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed(5);
      var spec = Vim2Config.TINY_28.mixerSpec(8);
      var mixer = variants.tokenMixer(token).create(spec, 1, variants.scan("reference"));
      Shape s = new Shape(1, 4, 4, 8); // (B, H, W, C)
      mixer.initialize(m, DataType.FLOAT32, s);
      NDArray x = m.randomNormal(s);
      NDArray y0 = mixer.forward(new ParameterStore(m, false), new NDList(x), false)
          .singletonOrThrow();
      NDArray bumped = x.duplicate();
      bumped.set(new ai.djl.ndarray.index.NDIndex("0, 0, 0"), m.ones(new Shape(8)).mul(5));
      NDArray y1 = mixer.forward(new ParameterStore(m, false), new NDList(bumped), false)
          .singletonOrThrow();
      assertThat(y0.getShape()).isEqualTo(s);
      float far = y1.sub(y0).get("0, 3, 3").abs().sum().getFloat(); // other row and column
      assertThat(far).as("token (3, 3) sees token (0, 0)").isGreaterThan(1e-5f);
    }
  }
}
