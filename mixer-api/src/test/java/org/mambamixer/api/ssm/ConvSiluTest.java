package org.mambamixer.api.ssm;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mambamixer.api.scan.Backprop;
import org.mambamixer.api.scan.ReferenceScan;
import org.mambamixer.api.scan.ScanRoute;

/** The fused conv + SiLU against the same map in float64 engine ops, values and gradients. */
class ConvSiluTest {

  @Test
  void valuesAndGradientsEqualTheEngineOpsInFloat64() {
    for (ScanRoute route : List.of(ScanRoute.FORWARD, ScanRoute.BACKWARD)) {
      try (NDManager m = NDManager.newBaseManager()) {
        m.getEngine().setRandomSeed(5);
        Shape xShape = new Shape(3, 6, 8); // (Bt, L, E), k = 4 > 6 / 2 so edges matter
        NDArray x = m.randomNormal(0, 1, xShape, DataType.FLOAT64);
        NDArray w = m.randomNormal(0, 0.5f, new Shape(8, 1, 4), DataType.FLOAT64);
        NDArray b = m.randomNormal(0, 0.5f, new Shape(8), DataType.FLOAT64);
        NDArray g = m.randomNormal(0, 1, xShape, DataType.FLOAT64); // loss = sum(u * g)
        S6 s6 = new S6(new S6Config(4, 2, 3, 4, 2, 1e-3f, 1e-1f, 1e-4f), route,
            new ReferenceScan());
        List<NDArray> reference = run(m, List.of(x, w, b), g, DataType.FLOAT64, in -> {
          NDArray c = s6.depthwiseConv(in.get(0), in.get(1), in.get(2));
          return c.mul(Activation.sigmoid(c));
        });
        List<NDArray> fused = run(m, List.of(x, w, b), g, DataType.FLOAT32,
            in -> ConvSilu.apply(in.get(0), in.get(1), in.get(2), route.reverse()));
        List<String> names = List.of("u", "dx", "dw", "db");
        for (int i = 0; i < names.size(); i++) {
          double scale = reference.get(i).abs().max().getDouble();
          double err = reference.get(i).sub(fused.get(i).toType(DataType.FLOAT64, false)).abs()
              .max().getDouble();
          assertThat(err).as("%s route, %s", route.name(), names.get(i))
              .isLessThan(1e-5 * Math.max(1, scale));
          assertThat(scale).as("%s is not trivially zero", names.get(i)).isGreaterThan(0.1);
        }
      }
    }
  }

  /** u and the gradients of x, w, b, with the inputs cast to {@code t}. */
  private static List<NDArray> run(NDManager m, List<NDArray> inputs, NDArray g, DataType t,
      java.util.function.Function<List<NDArray>, NDArray> op) {
    List<NDArray> in = inputs.stream().map(a -> a.toType(t, true)).toList();
    in.forEach(a -> a.setRequiresGradient(true));
    NDArray u;
    try (GradientCollector gc = m.getEngine().newGradientCollector()) {
      u = op.apply(in);
      Backprop.backward(u.mul(g.toType(t, false)).sum());
    }
    return List.of(u, in.get(0).getGradient(), in.get(1).getGradient(), in.get(2).getGradient());
  }
}
