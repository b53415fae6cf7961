package org.mambamixer.ablations.variants;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mambamixer.ablations.Assembled;
import org.mambamixer.api.block.MixerChoice;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.api.scan.Backprop;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.timeseries.model.Tsm2;
import org.mambamixer.timeseries.model.Tsm2Config;
import org.mambamixer.vision.model.Vim2;
import org.mambamixer.vision.model.Vim2Config;
import org.mambamixer.vision.train.ClassifyRun;

/**
 * Whole models on the fused mixer give the reference path's loss and gradients (the input's and
 * every parameter's, relative 1e-4 of each tensor's largest value): TSM2 with each selective token
 * mixer and the bidirectional variate mixer, ViM2 with its cross-scan and lifted mixers, under
 * every skip aggregation. The reference runs each route's S6 on engine ops, the oracle.
 */
class FusedParityTest {
  private static final double RTOL = 1e-4;

  @ParameterizedTest(name = "TSM2 {0}, skip {1}, d_model {2}")
  @CsvSource({
      "selective, learned, 8", "selective, softmax, 8", "selective, frozen, 8",
      "selective, residual, 8", "selective-bidirectional, learned, 8",
      "selective-bidirectional, residual, 6"})
  void tsm2GradientsEqualTheReferencePath(String token, String skip, int dModel) {
    MixerChoice v = MixerChoice.DEFAULT.withTokenMixer(token).withSkip(skip);
    Tsm2Config c = new Tsm2Config(32, 8, 3, 8, 4, true, dModel, 2, 2, 4, 3, 0f, true, v,
        Tsm2Config.Exogenous.NONE);
    Function<SelectiveScan, AbstractBlock> model = scan -> {
      Variants variants = Assembled.variants();
      return new Tsm2(c, variants, scan);
    };
    assertSameGradients(model, m -> m.randomNormal(new Shape(4, 32, 3)),
        b -> ((Tsm2) b).inputShapes(4), skip);
  }

  @ParameterizedTest(name = "ViM2 skip {0}")
  @ValueSource(strings = {"learned", "softmax", "frozen", "residual"})
  void vim2GradientsEqualTheReferencePath(String skip) {
    Vim2Config c = Vim2Config.TINY_28.withImage(8, 1, 3).withWidths(List.of(8, 16));
    Function<SelectiveScan, AbstractBlock> model = scan -> ClassifyRun.build(c,
        Vim2Config.VARIANTS.withSkip(skip), Assembled.variants(), scan);
    assertSameGradients(model, m -> m.randomNormal(new Shape(2, 1, 8, 8)),
        b -> new Shape[] {((Vim2) b).inputShape(2)}, skip);
  }

  private static void assertSameGradients(Function<SelectiveScan, AbstractBlock> model,
      Function<NDManager, NDArray> input, Function<AbstractBlock, Shape[]> shapes, String skip) {
    Variants variants = Assembled.variants();
    List<float[]> reference = gradients(model.apply(variants.scan("reference")), input, shapes);
    List<float[]> fused = gradients(model.apply(variants.scan("fused")), input, shapes);
    assertThat(fused.get(0)[0]).as("loss").isCloseTo(reference.get(0)[0],
        org.assertj.core.data.Offset.offset(1e-5f * Math.max(1, Math.abs(reference.get(0)[0]))));
    Gradients.assertAgree(fused, reference, 1, skip, RTOL);
  }

  /** The loss, the input's gradient, then every parameter's, from a fixed seed. */
  private static List<float[]> gradients(AbstractBlock model, Function<NDManager, NDArray> input,
      Function<AbstractBlock, Shape[]> shapes) {
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed(11);
      model.initialize(m, DataType.FLOAT32, shapes.apply(model));
      NDArray x = input.apply(m);
      x.setRequiresGradient(true);
      List<float[]> out = new ArrayList<>();
      try (GradientCollector gc = m.getEngine().newGradientCollector()) {
        NDArray y = model.forward(new ParameterStore(m, false), new NDList(x), true)
            .singletonOrThrow();
        NDArray w = m.randomNormal(y.getShape());
        NDArray loss = y.mul(w).sum();
        out.add(new float[] {loss.getFloat()});
        Backprop.backward(loss);
      }
      out.add(x.getGradient().toFloatArray());
      for (Pair<String, Parameter> p : model.getParameters()) {
        out.add(p.getValue().getArray().getGradient().toFloatArray());
      }
      return out;
    }
  }
}
