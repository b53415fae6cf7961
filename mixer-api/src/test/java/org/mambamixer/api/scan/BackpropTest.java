package org.mambamixer.api.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/** Deferred nodes: an intermediate input, and siblings sharing one backward pass. */
class BackpropTest {

  @Test
  void gradientReachesTheParameterBehindANonLeafInput() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray p = m.create(new float[] {0.5f, -1f, 2f}, new Shape(3));
      p.setRequiresGradient(true);
      try (GradientCollector gc = m.getEngine().newGradientCollector()) {
        NDArray x = p.exp(); // non-leaf: DJL reports requires_grad = false for it
        NDArray out = times(x, 3f); // a deferred "times 3", computed off the graph
        Backprop.backward(out.square().sum()); // d/dp = 2 out * 3 * exp(p) = 18 exp(2p)
      }
      float[] grad = p.getGradient().toFloatArray();
      float[] v = {0.5f, -1f, 2f};
      for (int i = 0; i < v.length; i++) {
        assertThat(grad[i]).isCloseTo((float) (18 * Math.exp(2 * v[i])), within(1e-3f * grad[i]));
      }
    }
  }

  /** A deferred "times k" of {@code x}, computed off the graph and recorded on the tape. */
  private static NDArray times(NDArray x, float k) {
    NDArray out = x.getManager().create(x.toFloatArray(), x.getShape()).mul(k);
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
        return new NDList(g.get(0).mul(k));
      }
    });
    return out;
  }

  /** d/dp of sum((3 e^p)^2 + (5 e^p)^2 + (2 * 7 e^p)^2) through three deferred nodes. */
  private static float[] gradient(boolean siblings) {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray p = m.create(new float[] {0.5f, -1f, 2f}, new Shape(3));
      p.setRequiresGradient(true);
      try (GradientCollector gc = m.getEngine().newGradientCollector()) {
        NDArray x = p.exp();
        NDArray a;
        NDArray b;
        if (siblings) {
          try (Backprop.Siblings s = Backprop.siblings()) {
            a = times(x, 3f);
            try (Backprop.Siblings inner = Backprop.siblings()) { // joins the outer group
              b = times(x, 5f);
            }
          }
        } else {
          a = times(x, 3f);
          b = times(x, 5f);
        }
        NDArray c = times(a.add(b).mul(0).add(x), 7f).mul(2); // reads a and b: a pass of its own
        assertThat(Backprop.pending()).isEqualTo(3);
        assertThat(Backprop.pendingPasses()).isEqualTo(siblings ? 2 : 3);
        Backprop.backward(a.square().sum().add(b.square().sum()).add(c.square().sum()));
      }
      return p.getGradient().toFloatArray();
    }
  }

  @Test
  void siblingsShareOnePassAndGiveTheSameGradients() {
    float[] grouped = gradient(true);
    float[] separate = gradient(false);
    float[] v = {0.5f, -1f, 2f};
    for (int i = 0; i < v.length; i++) {
      // d/dp sum(k^2 e^{2p}) = 2 k^2 e^{2p} over k = 3, 5, 14
      double expected = 2 * (9 + 25 + 196) * Math.exp(2 * v[i]);
      assertThat(grouped[i]).isCloseTo((float) expected, within((float) (1e-5 * expected)));
      assertThat(grouped[i]).isCloseTo(separate[i], within(1e-5f * Math.abs(separate[i])));
    }
  }

  @Test
  void backwardInsideAnOpenSiblingsScopeIsRefused() {
    try (NDManager m = NDManager.newBaseManager();
        Backprop.Siblings s = Backprop.siblings()) {
      NDArray x = m.ones(new Shape(2));
      x.setRequiresGradient(true);
      assertThatThrownBy(() -> Backprop.backward(x.sum()))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("siblings");
    } finally {
      Backprop.discard();
    }
  }
}
