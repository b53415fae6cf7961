package org.mambamixer.api;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.function.Supplier;
import org.mambamixer.api.scan.Backprop;

/** Central finite differences in float64 against the engine's (and Backprop's) gradients. */
public final class GradCheck {
  private static final double EPS = 1e-6;

  private GradCheck() {}

  /**
   * Checks d(loss)/d(target) at up to {@code samples} evenly spread entries.
   *
   * @param loss recomputes the scalar loss from the current values of all tensors
   * @param target a float64 tensor that requires a gradient and is read by {@code loss}
   */
  public static void check(String name, Supplier<NDArray> loss, NDArray target, int samples,
      double rtol) {
    double[] analytic;
    try (GradientCollector gc = target.getManager().getEngine().newGradientCollector()) {
      gc.zeroGradients(); // earlier checks on the same graph accumulated into every leaf
      Backprop.backward(loss.get());
      analytic = target.getGradient().toDoubleArray();
    }
    double scale = 0;
    for (double v : analytic) {
      scale = Math.max(scale, Math.abs(v));
    }
    long size = target.size();
    int n = (int) Math.min(samples, size);
    for (int k = 0; k < n; k++) {
      long i = size <= samples ? k : k * (size - 1) / Math.max(1, n - 1);
      double fd = finiteDifference(loss, target, i);
      assertThat(Math.abs(fd - analytic[(int) i]))
          .as("%s: d loss / d %s[%d]: analytic %s vs numeric %s", name, name, i,
              analytic[(int) i], fd)
          .isLessThanOrEqualTo(rtol * Math.max(Math.abs(fd), 0.05 * scale) + 1e-9);
    }
  }

  private static double finiteDifference(Supplier<NDArray> loss, NDArray target, long i) {
    NDArray flat = target.reshape(-1); // a view: writes go to target
    double x = flat.getDouble(i);
    flat.setScalar(new ai.djl.ndarray.index.NDIndex(i), x + EPS);
    double plus = value(loss);
    flat.setScalar(new ai.djl.ndarray.index.NDIndex(i), x - EPS);
    double minus = value(loss);
    flat.setScalar(new ai.djl.ndarray.index.NDIndex(i), x);
    return (plus - minus) / (2 * EPS);
  }

  private static double value(Supplier<NDArray> loss) {
    try (NDArray l = loss.get()) {
      return l.getDouble();
    }
  }

  /** Initialises a block in float64 and makes every parameter (and the input) track gradients. */
  public static NDArray prepare(NDManager m, Block block, Shape input, long seed) {
    m.getEngine().setRandomSeed((int) seed);
    block.initialize(m, DataType.FLOAT64, input);
    for (Pair<String, Parameter> p : block.getParameters()) {
      p.getValue().getArray().setRequiresGradient(true);
    }
    NDArray x = m.randomNormal(0, 1, input, DataType.FLOAT64);
    x.setRequiresGradient(true);
    return x;
  }

  /** The one parameter whose hierarchical name ends with {@code suffix}. */
  public static NDArray param(Block block, String suffix) {
    var matches = block.getParameters().stream().filter(p -> p.getKey().endsWith(suffix)).toList();
    assertThat(matches).as("parameters ending with %s", suffix).hasSize(1);
    return matches.get(0).getValue().getArray();
  }

  /** sum(forward(x) * weights): a loss whose gradient is a generic upstream gradient. */
  public static Supplier<NDArray> weightedLoss(Block block, NDArray x, NDArray weights) {
    ParameterStore ps = new ParameterStore(x.getManager(), false);
    return () -> block.forward(ps, new NDList(x), true).singletonOrThrow().mul(weights).sum();
  }
}
