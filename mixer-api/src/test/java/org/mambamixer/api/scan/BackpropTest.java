package org.mambamixer.api.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/** A deferred node whose input is an intermediate result, not a leaf. */
class BackpropTest {

  @Test
  void gradientReachesTheParameterBehindANonLeafInput() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray p = m.create(new float[] {0.5f, -1f, 2f}, new Shape(3));
      p.setRequiresGradient(true);
      try (GradientCollector gc = m.getEngine().newGradientCollector()) {
        NDArray x = p.exp(); // non-leaf: DJL reports requires_grad = false for it
        // A deferred "times 3": out = 3 x, computed off the graph.
        NDArray out = m.create(x.toFloatArray(), x.getShape()).mul(3f);
        out.setRequiresGradient(true);
        Backprop.record(new DeferredGradient() {
          @Override
          public NDList outputs() {
            return new NDList(out);
          }

          @Override
          public NDList inputs() {
            return new NDList(x);
          }

          @Override
          public NDList backward(NDList g) {
            return new NDList(g.get(0).mul(3f));
          }
        });
        Backprop.backward(out.square().sum()); // d/dp = 2 out * 3 * exp(p) = 18 exp(2p)
      }
      float[] grad = p.getGradient().toFloatArray();
      float[] v = {0.5f, -1f, 2f};
      for (int i = 0; i < v.length; i++) {
        assertThat(grad[i]).isCloseTo((float) (18 * Math.exp(2 * v[i])), within(1e-3f * grad[i]));
      }
    }
  }
}
