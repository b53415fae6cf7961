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

/** Deferred nodes: an intermediate input, siblings sharing one backward pass, and cuts. */
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

  @Test
  void aDecoratorSeesTheBackwardOfTheNodesRecordedInsideItsCallOnly() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray p = m.create(new float[] {0.5f, -1f}, new Shape(2));
      p.setRequiresGradient(true);
      int[] backwards = new int[1];
      try (GradientCollector gc = m.getEngine().newGradientCollector()) {
        NDArray x = p.exp();
        NDArray y = Backprop.decorating(node -> new DeferredGradient() {
          @Override
          public NDList outputs() {
            return node.outputs();
          }

          @Override
          public NDList inputs() {
            return node.inputs();
          }

          @Override
          public NDList backward(NDList g) {
            backwards[0]++;
            return node.backward(g);
          }
        }, () -> times(times(x, 3f), 2f)); // two nodes inside the call
        NDArray out = times(y, 5f); // one outside
        Backprop.backward(out.sum()); // d/dp = 30 exp(p), unchanged by the decorator
      }
      assertThat(backwards[0]).isEqualTo(2);
      float[] grad = p.getGradient().toFloatArray();
      assertThat(grad[0]).isCloseTo((float) (30 * Math.exp(0.5)), within(1e-3f * grad[0]));
    }
  }

  /** A backend whose ops record deferred nodes (only the flag matters here). */
  private static final SelectiveScan DEFERRING = new SelectiveScan() {
    @Override
    public String name() {
      return "deferring";
    }

    @Override
    public ScanOutputs scan(ScanInputs inputs) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean defersGradients() {
      return true;
    }
  };

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

  /**
   * d/dp of sum(a2^2 + b2^2 + c^2) through five deferred nodes: two siblings of two dependent
   * nodes each (a2 = 2 (3 x), b2 = 7 (5 x), x = e^p), then c = 11 x reading both.
   */
  private static float[] gradient(boolean siblings) {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray p = m.create(new float[] {0.5f, -1f, 2f}, new Shape(3));
      p.setRequiresGradient(true);
      try (GradientCollector gc = m.getEngine().newGradientCollector()) {
        NDArray x = p.exp();
        NDArray a2;
        NDArray b2;
        if (siblings) {
          try (Backprop.Siblings s = Backprop.siblings()) {
            s.next();
            a2 = times(times(x, 3f), 2f);
            s.next();
            NDArray b1 = times(x, 5f);
            try (Backprop.Siblings inner = Backprop.siblings()) { // plain: b2 takes level 2
              inner.next();
              b2 = times(b1, 7f);
            }
          }
        } else {
          a2 = times(times(x, 3f), 2f);
          b2 = times(times(x, 5f), 7f);
        }
        NDArray c = times(a2.add(b2).mul(0).add(x), 11f); // reads a2 and b2: a pass of its own
        assertThat(Backprop.pending()).isEqualTo(5);
        // Siblings: {3 x, 5 x}, {a2, b2}, then c.
        assertThat(Backprop.pendingPasses()).isEqualTo(siblings ? 3 : 5);
        Backprop.backward(a2.square().sum().add(b2.square().sum()).add(c.square().sum()));
      }
      return p.getGradient().toFloatArray();
    }
  }

  @Test
  void siblingsShareOnePassPerLevelAndGiveTheSameGradients() {
    float[] grouped = gradient(true);
    float[] separate = gradient(false);
    float[] v = {0.5f, -1f, 2f};
    for (int i = 0; i < v.length; i++) {
      // d/dp sum(k^2 e^{2p}) = 2 k^2 e^{2p} over k = 6, 35, 11
      double expected = 2 * (36 + 1225 + 121) * Math.exp(2 * v[i]);
      assertThat(grouped[i]).isCloseTo((float) expected, within((float) (1e-5 * expected)));
      assertThat(grouped[i]).isCloseTo(separate[i], within(1e-5f * Math.abs(separate[i])));
    }
  }

  @Test
  void siblingsWithoutNextKeepEveryNodeInAPassOfItsOwn() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.ones(new Shape(2));
      try (GradientCollector gc = m.getEngine().newGradientCollector()) {
        try (Backprop.Siblings s = Backprop.siblings()) {
          times(times(x, 2f), 3f);
        }
        assertThat(Backprop.pendingPasses()).isEqualTo(2);
      } finally {
        Backprop.discard();
      }
    }
  }

  @Test
  void aCutAheadOfTheNodesEndsTheirPassesAndKeepsTheGradient() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray p = m.create(new float[] {0.5f, -1f, 2f}, new Shape(3));
      p.setRequiresGradient(true);
      try (GradientCollector gc = m.getEngine().newGradientCollector()) {
        NDArray x = p.exp();
        assertThat(Backprop.cut(x)).isSameAs(x); // nothing pending: a plain cut is a no-op
        assertThat(Backprop.cutAhead(x, new ReferenceScan())).isSameAs(x); // nothing will follow
        NDArray leaf = Backprop.cutAhead(x, DEFERRING);
        assertThat(leaf).isNotSameAs(x);
        // two deferred readers of the leaf: sum((3 leaf)^2 + (5 leaf)^2) = 34 e^{2p}
        NDArray loss = times(leaf, 3f).square().sum().add(times(leaf, 5f).square().sum());
        assertThat(Backprop.pendingPasses()).isEqualTo(3);
        Backprop.backward(loss);
      }
      float[] grad = p.getGradient().toFloatArray();
      float[] v = {0.5f, -1f, 2f};
      for (int i = 0; i < v.length; i++) {
        double expected = 68 * Math.exp(2 * v[i]);
        assertThat(grad[i]).isCloseTo((float) expected, within((float) (1e-5 * expected)));
      }
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
