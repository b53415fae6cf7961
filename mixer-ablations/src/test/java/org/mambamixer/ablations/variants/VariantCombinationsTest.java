package org.mambamixer.ablations.variants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mambamixer.ablations.Assembled;
import org.mambamixer.api.block.BackboneConfig;
import org.mambamixer.api.block.MambaMixerBackbone;
import org.mambamixer.api.block.MixerChoice;
import org.mambamixer.api.block.ResidualSublayer;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.api.mixer.MixerSpec;
import org.mambamixer.api.scan.Backprop;
import org.mambamixer.api.ssm.S6Config;

/**
 * Every registered token mixer x channel mixer x skip on a tiny backbone (2 layers, d_model 8,
 * input (B, C, L, D) = (2, 3, 6, 8), reference scan): the shape is kept, the backward reaches every
 * parameter, nothing is NaN, and the same seed gives the same loss. The combinations come from the
 * assembled registry, so a variant registered later is tested without an edit here.
 */
class VariantCombinationsTest {
  private static final Shape X = new Shape(2, 3, 6, 8); // (B, C, L, D)
  private static final S6Config TINY = new S6Config(8, 2, 4, 3, 1, 1e-3f, 1e-1f, 1e-4f);
  /** Token mixers that need a 2-D token grid, which this (B, C, L, D) input does not have. */
  private static final Set<String> NEED_A_GRID = Set.of("cross-scan");

  static Stream<Arguments> combinations() {
    SortedMap<String, SortedMap<String, String>> catalogue = Assembled.variants().catalogue();
    return catalogue.get("token-mixer").keySet().stream()
        .filter(t -> !NEED_A_GRID.contains(t))
        .flatMap(t -> catalogue.get("channel-mixer").keySet().stream()
            .flatMap(c -> catalogue.get("skip").keySet().stream()
                .map(s -> Arguments.of(t, c, s))));
  }

  @Test
  void theCombinationsCoverTheAblationVariants() {
    SortedMap<String, SortedMap<String, String>> catalogue = Assembled.variants().catalogue();
    assertThat(catalogue.get("token-mixer")).containsKeys("selective", "selective-bidirectional",
        "attention", "mlp", "linear", "identity");
    assertThat(catalogue.get("channel-mixer")).containsKeys("selective",
        "selective-bidirectional", "mlp", "identity");
    assertThat(combinations().count()).isGreaterThanOrEqualTo(6L * 4 * 4);
  }

  @ParameterizedTest(name = "{0} x {1} x {2}")
  @MethodSource("combinations")
  void keepsTheShapeTrainsEveryParameterAndRepeatsWithASeed(String token, String channel,
      String skip) {
    MixerChoice choice = MixerChoice.DEFAULT.withTokenMixer(token).withChannelMixer(channel)
        .withSkip(skip);
    float first = lossAndGradients(choice, 11, true);
    assertThat(lossAndGradients(choice, 11, false)).as("loss again with seed 11")
        .isEqualTo(first);
    assertThat(lossAndGradients(choice, 12, false)).as("loss with seed 12").isNotEqualTo(first);
  }

  /**
   * Builds the backbone with {@code seed}, computes sum(y * w) for a random input x and weights w
   * (a generic upstream gradient) and returns it; with {@code checkGradients} also runs the
   * backward and checks every parameter's gradient.
   */
  private static float lossAndGradients(MixerChoice choice, int seed, boolean checkGradients) {
    Variants variants = Assembled.variants();
    BackboneConfig config = BackboneConfig.of(2, 8).withMixers(MixerSpec.of(TINY))
        .withVariants(choice);
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed(seed);
      MambaMixerBackbone net = variants.backbone(config, variants.scan("reference"));
      net.initialize(m, DataType.FLOAT32, X);
      for (Pair<String, Parameter> p : net.getParameters()) {
        p.getValue().getArray().setRequiresGradient(true);
      }
      NDArray x = m.randomNormal(X); // (B, C, L, D)
      NDArray w = m.randomNormal(X);
      Supplier<NDArray> loss = () -> {
        NDArray y = net.forward(new ParameterStore(m, false), new NDList(x), true)
            .singletonOrThrow(); // (B, C, L, D)
        assertThat(y.getShape()).isEqualTo(X);
        assertThat(finite(y)).as("output is finite").isTrue();
        return y.mul(w).sum();
      };
      float value;
      Map<Parameter, Float> gradientSizes = new IdentityHashMap<>();
      try (GradientCollector gc = m.getEngine().newGradientCollector()) {
        NDArray l = loss.get();
        value = l.getFloat();
        assertThat(value).as("loss").isFinite();
        if (!checkGradients) {
          return value;
        }
        // Every parameter enters with weight 0, so the backward runs even when the output reads
        // none (both mixers removed, a parameter-free skip); it adds exactly 0 to each gradient.
        for (Pair<String, Parameter> p : net.getParameters()) {
          l = l.add(p.getValue().getArray().sum().mul(0));
        }
        Backprop.backward(l);
        for (Pair<String, Parameter> p : net.getParameters()) {
          NDArray g = p.getValue().getArray().getGradient();
          assertThat(finite(g)).as("gradient of %s is finite", p.getKey()).isTrue();
          gradientSizes.put(p.getValue(), g.abs().sum().getFloat());
        }
      }
      checkGradients(net, gradientSizes, value, () -> loss.get().getFloat());
      return value;
    }
  }

  /**
   * Every mixer parameter has a non-zero gradient. A norm or skip parameter has one too unless the
   * output does not depend on it at all, which the check then proves by moving the parameter and
   * seeing the loss stay put. That happens by construction in two places: the pre-norm of a removed
   * mixer's sublayer feeds nothing, and a softmax skip's logits are dead where every tensor they
   * weigh is the same (layer 1's token input averages y_Token^(0) = y_Channel^(0) = x, and convex
   * weights over copies of x give x whatever they are).
   */
  private static void checkGradients(MambaMixerBackbone net, Map<Parameter, Float> gradientSizes,
      float loss, Supplier<Float> lossAgain) {
    Set<Parameter> inMixers = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Pair<String, Block> child : net.getChildren()) {
      if (child.getValue() instanceof ResidualSublayer sub) {
        sub.mixer().getParameters().values().forEach(inMixers::add);
      }
    }
    for (Pair<String, Parameter> p : net.getParameters()) {
      float size = gradientSizes.get(p.getValue());
      if (inMixers.contains(p.getValue()) || size > 0) {
        assertThat(size).as("gradient of %s", p.getKey()).isPositive();
        continue;
      }
      NDArray value = p.getValue().getArray();
      NDArray saved = value.duplicate();
      value.addi(value.getManager().randomNormal(value.getShape()));
      assertThat(lossAgain.get()).as("loss with %s moved (its gradient is 0)", p.getKey())
          .isCloseTo(loss, within(1e-5f * Math.abs(loss) + 1e-5f));
      value.set(saved.toFloatArray());
    }
  }

  private static boolean finite(NDArray a) {
    return !a.isNaN().logicalOr(a.isInfinite()).any().getBoolean();
  }
}
