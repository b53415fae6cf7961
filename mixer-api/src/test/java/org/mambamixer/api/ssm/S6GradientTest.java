package org.mambamixer.api.ssm;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mambamixer.api.GradCheck;
import org.mambamixer.api.mixer.SelectiveMixer;
import org.mambamixer.api.scan.ReferenceScan;
import org.mambamixer.api.scan.ScanRoute;

/** The Mamba block (one forward route of a selective mixer): shapes, init, finite differences. */
class S6GradientTest {
  private static final S6Config TINY = new S6Config(4, 2, 3, 3, 2, 1e-3f, 1e-1f, 1e-4f);

  @Test
  void initialisationFollowsMamba() {
    try (NDManager m = NDManager.newBaseManager()) {
      S6 s6 = new S6(S6Config.mamba(32), ScanRoute.FORWARD, new ReferenceScan());
      s6.initialize(m, DataType.FLOAT32, new Shape(2, 5, 64));
      NDArray aLog = s6.getParameters().get("A_log").getArray();
      assertThat(aLog.getShape()).isEqualTo(new Shape(64, 16));
      // S4D-real: A = -[1..N] in every channel.
      assertThat(aLog.exp().get(3).toFloatArray()[15]).isCloseTo(16f, org.assertj.core.data.Offset.offset(1e-4f));
      assertThat(s6.getParameters().get("D").getArray().toFloatArray()).containsOnly(1f);
      // softplus(bias) is the drawn dt, log-uniform in [1e-3, 1e-1].
      float[] dt = ai.djl.nn.Activation.softPlus(s6.getParameters().get("dt_proj_bias").getArray())
          .toFloatArray();
      for (float v : dt) {
        assertThat(v).isBetween(0.99e-3f, 1.01e-1f);
      }
    }
  }

  @Test
  void mambaBlockShapesAndGradients() {
    try (NDManager m = NDManager.newBaseManager()) {
      SelectiveMixer block =
          new SelectiveMixer(TINY, 1, List.of(ScanRoute.FORWARD), new ReferenceScan());
      Shape shape = new Shape(2, 5, 4); // (B, L, D)
      NDArray x = GradCheck.prepare(m, block, shape, 7);
      NDArray out = block.forward(new ParameterStore(m, false), new NDList(x), false)
          .singletonOrThrow();
      assertThat(out.getShape()).isEqualTo(shape);
      NDArray w = m.randomNormal(0, 1, shape, DataType.FLOAT64);
      var loss = GradCheck.weightedLoss(block, x, w);
      GradCheck.check("x", loss, x, 12, 1e-5);
      for (String p : List.of("A_log", "dt_proj_bias", "_D", "dt_proj_weight", "conv_weight",
          "conv_bias", "x_proj_weight", "in_proj_weight", "out_proj_weight")) {
        GradCheck.check(p, loss, GradCheck.param(block, p), 6, 1e-5);
      }
    }
  }

  @Test
  void causalityOfTheForwardRouteAndAntiCausalityOfTheBackwardRoute() {
    try (NDManager m = NDManager.newBaseManager()) {
      for (ScanRoute route : List.of(ScanRoute.FORWARD, ScanRoute.BACKWARD)) {
        SelectiveMixer block = new SelectiveMixer(TINY, 1, List.of(route), new ReferenceScan());
        Shape shape = new Shape(1, 6, 4);
        NDArray x = GradCheck.prepare(m, block, shape, 3);
        ParameterStore ps = new ParameterStore(m, false);
        double[] before = block.forward(ps, new NDList(x), false).singletonOrThrow().toDoubleArray();
        NDArray x2 = x.duplicate();
        x2.set(new ai.djl.ndarray.index.NDIndex(0, 3), 5.0); // perturb step 3
        double[] after = block.forward(ps, new NDList(x2), false).singletonOrThrow().toDoubleArray();
        for (int t = 0; t < 6; t++) {
          boolean changed = false;
          for (int d = 0; d < 4; d++) {
            changed |= before[t * 4 + d] != after[t * 4 + d];
          }
          boolean reachable = route.reverse() ? t <= 3 : t >= 3;
          assertThat(changed).as("%s route, step %d", route.name(), t).isEqualTo(reachable);
        }
      }
    }
  }

  @Test
  void toeplitzAndShiftedConvolutionsEqualTheGroupedConvolutionTheirParametersBelongTo() {
    try (NDManager m = NDManager.newBaseManager()) {
      for (ScanRoute route : List.of(ScanRoute.FORWARD, ScanRoute.BACKWARD)) {
        S6Config c = new S6Config(4, 2, 3, 4, 2, 1e-3f, 1e-1f, 1e-4f); // E = 8, k = 4
        S6 s6 = new S6(c, route, new ReferenceScan());
        Shape x = new Shape(3, 6, 8); // (Bt, L, E)
        s6.initialize(m, DataType.FLOAT32, x);
        ai.djl.nn.Block conv = s6.getChildren().values().stream()
            .filter(b -> b instanceof ai.djl.nn.convolutional.Conv1d).findFirst().orElseThrow();
        conv.getParameters().get("bias").getArray().set(m.randomNormal(new Shape(8)).toFloatArray());
        NDArray in = m.randomNormal(0, 1, x, DataType.FLOAT32);
        ParameterStore ps = new ParameterStore(m, false);
        // The block's own convolution, padded k-1 on both sides, cut as the route needs.
        float[] grouped = s6.groupedConv(ps, in, false).toFloatArray();
        for (float[] form : List.of(s6.toeplitzConv(ps, in, false).toFloatArray(),
            s6.shiftedConv(ps, in, false).toFloatArray())) {
          assertThat(form).hasSameSizeAs(grouped);
          for (int i = 0; i < grouped.length; i++) {
            assertThat(form[i]).as("%s route, element %d", route.name(), i)
                .isCloseTo(grouped[i], org.assertj.core.data.Offset.offset(1e-5f));
          }
        }
      }
    }
  }
}
