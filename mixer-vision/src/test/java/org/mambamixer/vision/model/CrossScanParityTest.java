package org.mambamixer.vision.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mambamixer.api.scan.ReferenceScan;
import org.mambamixer.api.scan.ScanInputs;
import org.mambamixer.api.ssm.S6Config;

/**
 * The cross-scan mixer against its definition: four independent forward scans, each on an
 * explicitly gathered (and, for reversed routes, flipped) copy of the row-major tokens, scattered
 * back and summed. The mixer itself uses a transpose and the scan's reverse flag instead.
 */
class CrossScanParityTest {
  private static final int B = 2;
  private static final int H = 3;
  private static final int W = 4; // H != W so a transpose mix-up cannot pass
  private static final int C = 4;

  @Test
  void routeOrdersAreTheVmambaCrossScan() {
    assertThat(CrossScanRoute.ROWS.order(2, 3)).containsExactly(0, 1, 2, 3, 4, 5);
    assertThat(CrossScanRoute.ROWS_REVERSED.order(2, 3)).containsExactly(5, 4, 3, 2, 1, 0);
    assertThat(CrossScanRoute.COLUMNS.order(2, 3)).containsExactly(0, 3, 1, 4, 2, 5);
    assertThat(CrossScanRoute.COLUMNS_REVERSED.order(2, 3)).containsExactly(5, 2, 4, 1, 3, 0);
  }

  @Test
  void fourRoutesEqualFourSingleRouteScansOnPermutedTokens() {
    try (NDManager m = NDManager.newBaseManager()) {
      S6Config ssm = new S6Config(C, 2, 3, 0, 2, 1e-3f, 1e-1f, 1e-4f);
      ReferenceScan scan = new ReferenceScan();
      CrossScanTokenMixer mixer = new CrossScanTokenMixer(ssm, CrossScanRoute.ALL, scan);
      mixer.initialize(m, DataType.FLOAT64, new Shape(B, H, W, C));
      Map<String, NDArray> p = new HashMap<>();
      for (Pair<String, Parameter> e : mixer.getParameters()) {
        p.put(e.getKey().replaceAll("^\\d\\d|(?<=_)\\d\\d", ""), e.getValue().getArray());
      }
      // Perturb the zero/one initialised parameters so every term of the route matters.
      for (NDArray a : p.values()) {
        a.addi(m.randomNormal(0f, 0.1f, a.getShape(), DataType.FLOAT64));
      }
      NDArray x = m.randomNormal(0f, 1f, new Shape(B, H, W, C), DataType.FLOAT64);
      NDArray actual = mixer.forward(new ParameterStore(m, false), new NDList(x), false)
          .singletonOrThrow();

      int e = ssm.dInner();
      NDArray xz = x.matMul(p.get("in_proj_weight").transpose()); // (B, H, W, 2E)
      NDArray xGrid = xz.get("..., :{}", e).transpose(0, 3, 1, 2); // (B, E, H, W)
      NDArray zFlat = xz.get("..., {}:", e).reshape(B, H * W, e).transpose(0, 2, 1); // (B, E, L)
      NDArray u = Conv2d.conv2d(xGrid, p.get("conv_weight"), p.get("conv_bias"),
          new Shape(1, 1), new Shape(1, 1), new Shape(1, 1), e).singletonOrThrow();
      NDArray uFlat = u.mul(Activation.sigmoid(u)).reshape(B, e, H * W); // row-major (B, E, L)
      NDArray sum = null;
      for (CrossScanRoute r : CrossScanRoute.ALL) {
        String k = "s6_" + r.scanRoute().name() + "_";
        int[] order = r.order(H, W);
        int[] inverse = new int[order.length];
        for (int i = 0; i < order.length; i++) {
          inverse[order[i]] = i;
        }
        NDArray idx = m.create(order).toType(DataType.INT64, false);
        NDArray ur = uFlat.get(new NDIndex(":, :, {}", idx)); // a permuted copy (B, E, L)
        NDArray zr = zFlat.get(new NDIndex(":, :, {}", idx));
        NDArray proj = ur.transpose(0, 2, 1).matMul(p.get(k + "x_proj_weight").transpose());
        NDArray dtLow = proj.get("..., :{}", ssm.dtRank()); // (B, L, R)
        NDArray bT = proj.get("..., {}:{}", ssm.dtRank(), ssm.dtRank() + ssm.dState())
            .transpose(0, 2, 1);
        NDArray cT = proj.get("..., {}:", ssm.dtRank() + ssm.dState()).transpose(0, 2, 1);
        NDArray delta = dtLow.matMul(p.get(k + "dt_proj_weight").transpose()).transpose(0, 2, 1);
        NDArray yr = scan.scan(ScanInputs.of(ur, delta, p.get(k + "A_log").exp().neg(), bT, cT,
            p.get(k + "D"), zr, p.get(k + "dt_proj_bias"))).out(); // forward scan, (B, E, L)
        NDArray back = yr.get(new NDIndex(":, :, {}",
            m.create(inverse).toType(DataType.INT64, false)));
        sum = sum == null ? back : sum.add(back);
      }
      NDArray expected = sum.transpose(0, 2, 1).matMul(p.get("out_proj_weight").transpose())
          .reshape(B, H, W, C);
      double err = actual.sub(expected).abs().max().getDouble();
      assertThat(err).isLessThan(1e-10);
      assertThat(expected.abs().max().getDouble()).isGreaterThan(1e-3);
    }
  }

  @Test
  void eachRouteContributes() {
    try (NDManager m = NDManager.newBaseManager()) {
      S6Config ssm = new S6Config(C, 2, 3, 0, 2, 1e-3f, 1e-1f, 1e-4f);
      NDArray x = m.randomNormal(0f, 1f, new Shape(B, H, W, C), DataType.FLOAT64);
      // With a single route, the output at the first scanned token sees that token only.
      for (CrossScanRoute r : CrossScanRoute.ALL) {
        CrossScanTokenMixer one = new CrossScanTokenMixer(ssm, List.of(r), new ReferenceScan());
        one.initialize(m, DataType.FLOAT64, x.getShape());
        ParameterStore ps = new ParameterStore(m, false);
        NDArray y = one.forward(ps, new NDList(x), false).singletonOrThrow();
        int[] order = r.order(H, W);
        int first = order[0];
        int last = order[order.length - 1];
        // Change the last-visited token outside the first token's 3x3 conv window.
        NDArray x2 = x.duplicate();
        x2.set(new NDIndex(":, {}, {}, :", last / W, last % W), 5.0);
        NDArray y2 = one.forward(ps, new NDList(x2), false).singletonOrThrow();
        double atFirst = y2.sub(y).get(":, {}, {}, :", first / W, first % W).abs().max()
            .getDouble();
        assertThat(atFirst).as(r.name()).isLessThan(1e-12);
      }
    }
  }
}
