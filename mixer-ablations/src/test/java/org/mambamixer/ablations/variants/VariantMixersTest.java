package org.mambamixer.ablations.variants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import org.junit.jupiter.api.Test;
import org.mambamixer.api.GradCheck;
import org.mambamixer.api.mixer.MixerSpec;
import org.mambamixer.api.ssm.S6Config;

/**
 * Each ablation mixer against a plain-Java computation of its formula on a (B, C, L, D) input,
 * every axis but the mixed one and D folded into the batch.
 */
class VariantMixersTest {
  private static final Shape X = new Shape(2, 3, 5, 4); // (B, C, L, D)
  private static final MixerSpec SPEC = MixerSpec.of(S6Config.mamba(4)); // tokens 2, channels 1

  @Test
  void mlpTokenMixerIsTheMixingMlpAlongTheTokens() {
    checkMlp(new MlpTokenMixer(SPEC), 2);
  }

  @Test
  void mlpChannelMixerIsTheMixingMlpAcrossTheChannels() {
    checkMlp(new MlpChannelMixer(SPEC), 1);
  }

  private static void checkMlp(AxisMlp mlp, int axis) {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = prepare(m, mlp);
      long s = X.get(axis);
      assertThat(GradCheck.param(mlp, "fc1_weight").getShape()).isEqualTo(new Shape(2 * s, s));
      assertThat(GradCheck.param(mlp, "fc2_weight").getShape()).isEqualTo(new Shape(s, 2 * s));
      Dense fc1 = Dense.of(mlp, "fc1");
      Dense fc2 = Dense.of(mlp, "fc2");
      Shape hiddenShape = X.slice(0, axis).addAll(new Shape(2 * s)).addAll(X.slice(axis + 1));
      double[] h = Activation.gelu(m.create(fc1.along(x.toDoubleArray(), X, axis), hiddenShape))
          .toDoubleArray();
      assertClose(forward(m, mlp, x), fc2.along(h, hiddenShape, axis));
    }
  }

  @Test
  void linearTokenMixerIsOneLinearMapOverTheTokens() {
    LinearTokenMixer linear = new LinearTokenMixer(SPEC);
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = prepare(m, linear);
      assertThat(GradCheck.param(linear, "weight").getShape()).isEqualTo(new Shape(5, 5));
      assertClose(forward(m, linear, x), Dense.of(linear, "").along(x.toDoubleArray(), X, 2));
    }
  }

  @Test
  void attentionMatchesSoftmaxAttentionPerHead() {
    MixerSpec spec = MixerSpec.of(S6Config.mamba(32)); // d_model 32: two heads of 16
    AttentionTokenMixer attention = new AttentionTokenMixer(spec, 2);
    Shape shape = new Shape(2, 2, 3, 32); // (B, C, L, D)
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed(5);
      attention.initialize(m, DataType.FLOAT64, shape);
      NDArray x = m.randomNormal(0, 1, shape, DataType.FLOAT64);
      double[] wqkv = GradCheck.param(attention, "qkv_weight").toDoubleArray(); // (3D, D)
      double[] wo = GradCheck.param(attention, "out_proj_weight").toDoubleArray(); // (D, D)
      double[] xs = x.toDoubleArray();
      int rows = 4;
      int l = 3;
      int d = 32;
      int heads = 2;
      int dh = d / heads;
      double[] expected = new double[xs.length];
      for (int r = 0; r < rows; r++) { // every (b, c): its own sequence of l tokens
        double[][][] qkv = new double[3][l][d];
        for (int t = 0; t < l; t++) {
          for (int o = 0; o < 3 * d; o++) {
            double acc = 0;
            for (int i = 0; i < d; i++) {
              acc += wqkv[o * d + i] * xs[(r * l + t) * d + i];
            }
            qkv[o / d][t][o % d] = acc;
          }
        }
        double[][] heads0 = new double[l][d]; // concat over heads of softmax(q k^T / sqrt(dh)) v
        for (int hd = 0; hd < heads; hd++) {
          for (int t = 0; t < l; t++) {
            double[] logits = new double[l];
            double max = Double.NEGATIVE_INFINITY;
            for (int u = 0; u < l; u++) {
              for (int j = 0; j < dh; j++) {
                logits[u] += qkv[0][t][hd * dh + j] * qkv[1][u][hd * dh + j];
              }
              logits[u] /= Math.sqrt(dh);
              max = Math.max(max, logits[u]);
            }
            double z = 0;
            for (int u = 0; u < l; u++) {
              logits[u] = Math.exp(logits[u] - max);
              z += logits[u];
            }
            for (int u = 0; u < l; u++) {
              for (int j = 0; j < dh; j++) {
                heads0[t][hd * dh + j] += logits[u] / z * qkv[2][u][hd * dh + j];
              }
            }
          }
        }
        for (int t = 0; t < l; t++) {
          for (int o = 0; o < d; o++) {
            double acc = 0;
            for (int i = 0; i < d; i++) {
              acc += wo[o * d + i] * heads0[t][i];
            }
            expected[(r * l + t) * d + o] = acc;
          }
        }
      }
      assertClose(forward(m, attention, x), expected);
    }
  }

  @Test
  void attentionIsBlindToTokenOrder() {
    AttentionTokenMixer attention = new AttentionTokenMixer(SPEC, 2);
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = prepare(m, attention);
      // No positional encoding: reversing the tokens reverses the outputs and changes nothing else.
      assertClose(forward(m, attention, x.flip(2)), forward(m, attention, x).flip(2)
          .toDoubleArray());
    }
  }

  @Test
  void defaultHeadsAreSixteenWideWhereDModelAllows() {
    assertThat(AttentionTokenMixer.defaultHeads(4)).isEqualTo(1);
    assertThat(AttentionTokenMixer.defaultHeads(8)).isEqualTo(1);
    assertThat(AttentionTokenMixer.defaultHeads(32)).isEqualTo(2);
    assertThat(AttentionTokenMixer.defaultHeads(40)).isEqualTo(2);
    assertThat(AttentionTokenMixer.defaultHeads(48)).isEqualTo(3);
    assertThat(AttentionTokenMixer.defaultHeads(96)).isEqualTo(6);
    assertThat(AttentionTokenMixer.defaultHeads(112)).isEqualTo(7);
    assertThat(AttentionTokenMixer.defaultHeads(120)).isEqualTo(6); // 7 does not divide 120
    assertThatThrownBy(() -> new AttentionTokenMixer(SPEC, 3)).hasMessageContaining("divisor");
  }

  @Test
  void removedMixersReturnZerosAndHoldNothing() {
    for (RemovedMixer removed : new RemovedMixer[] {new RemovedTokenMixer(),
        new RemovedChannelMixer()}) {
      try (NDManager m = NDManager.newBaseManager()) {
        NDArray x = prepare(m, removed);
        NDArray y = forward(m, removed, x);
        assertThat(y.getShape()).isEqualTo(X);
        assertThat(y.abs().max().getDouble()).isZero();
        assertThat(removed.getParameters().isEmpty()).isTrue();
      }
    }
  }

  @Test
  void denseMixersServeTheLengthTheyWereBuiltFor() {
    try (NDManager m = NDManager.newBaseManager()) {
      for (Block dense : new Block[] {new MlpTokenMixer(SPEC), new LinearTokenMixer(SPEC)}) {
        prepare(m, dense);
        NDArray longer = m.zeros(new Shape(2, 3, 6, 4), DataType.FLOAT64);
        assertThatThrownBy(() -> forward(m, dense, longer))
            .hasMessageContaining("built for 5 positions on axis 2")
            .hasMessageContaining("got 6");
      }
      assertThatThrownBy(() -> new MlpChannelMixer(SPEC).initialize(m, DataType.FLOAT32,
          new Shape(2, 3, 5, 6))).hasMessageContaining("d_model = 4");
    }
  }

  /** Loading reads the length from the saved weights: no initialization with a shape first. */
  @Test
  void savedWeightsLoadIntoAFreshBlock() throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      MlpChannelMixer saved = new MlpChannelMixer(SPEC);
      NDArray x = prepare(m, saved);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      saved.saveParameters(new DataOutputStream(bytes));
      MlpChannelMixer loaded = new MlpChannelMixer(SPEC);
      loaded.loadParameters(m,
          new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
      assertClose(forward(m, loaded, x), forward(m, saved, x).toDoubleArray());
    }
  }

  /** Initialises in float64 with non-zero biases (they start at 0) and draws an input (B, C, L, D). */
  private static NDArray prepare(NDManager m, Block block) {
    m.getEngine().setRandomSeed(3);
    block.initialize(m, DataType.FLOAT64, X);
    block.getParameters().forEach(p -> {
      NDArray a = p.getValue().getArray();
      if (p.getKey().endsWith("bias")) {
        a.set(m.randomNormal(0, 1, a.getShape(), DataType.FLOAT64).toDoubleArray());
      }
    });
    return m.randomNormal(0, 1, X, DataType.FLOAT64);
  }

  private static NDArray forward(NDManager m, Block block, NDArray x) {
    return block.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow();
  }

  private static void assertClose(NDArray actual, double[] expected) {
    double[] a = actual.toDoubleArray();
    assertThat(a).hasSameSizeAs(expected);
    for (int i = 0; i < a.length; i++) {
      assertThat(a[i]).as("element %d", i).isCloseTo(expected[i], within(1e-9));
    }
  }

  /** y = W v + b applied to the vector v along one axis, in plain Java. W (out, in), b (out). */
  private record Dense(double[] weight, double[] bias, int out, int in) {
    static Dense of(Block block, String prefix) {
      String p = prefix.isEmpty() ? "" : prefix + "_";
      NDArray w = GradCheck.param(block, p + "weight");
      return new Dense(w.toDoubleArray(), GradCheck.param(block, p + "bias").toDoubleArray(),
          (int) w.getShape().get(0), (int) w.getShape().get(1));
    }

    double[] along(double[] x, Shape shape, int axis) {
      long outer = shape.slice(0, axis).size();
      long inner = shape.slice(axis + 1).size();
      double[] y = new double[(int) (outer * out * inner)];
      for (long o = 0; o < outer; o++) {
        for (long i = 0; i < inner; i++) {
          for (int r = 0; r < out; r++) {
            double acc = bias[r];
            for (int c = 0; c < in; c++) {
              acc += weight[r * in + c] * x[(int) ((o * in + c) * inner + i)];
            }
            y[(int) ((o * out + r) * inner + i)] = acc;
          }
        }
      }
      return y;
    }
  }
}
