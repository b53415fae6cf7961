package org.mambamixer.api.scan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.util.function.UnaryOperator;
import org.mambamixer.api.util.Scopes;

/**
 * Activation checkpointing: a layer's forward runs without recording a graph, so none of its
 * activations outlive it; its output becomes a gradient leaf with a {@link DeferredGradient} node,
 * and when {@link Backprop} reaches the node it runs the layer again, recorded, differentiates it
 * at once and frees it. Peak memory is then one layer's activations instead of every layer's, for
 * one more forward per layer.
 *
 * <p>On for the current thread while {@link #enable} is in force; a trainer turns it on around its
 * training batches. Off (the default), {@link #apply} is the plain call.
 */
public final class Recompute {
  private static final ThreadLocal<Boolean> ON = ThreadLocal.withInitial(() -> false);

  private Recompute() {}

  /** Turns recomputation on or off for this thread until the returned handle is closed. */
  public static Mode enable(boolean on) {
    boolean before = ON.get();
    ON.set(on);
    return () -> ON.set(before);
  }

  /** What {@link #enable} returns: closing it restores the previous setting. */
  public interface Mode extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * {@code f(x)}, checkpointed when recomputation is on and a graph is being recorded. {@code f}
   * must be a function of {@code x} and parameters only; dropout inside it draws the same masks in
   * both runs (the engine is reseeded from one draw before each).
   */
  public static NDArray apply(NDArray x, UnaryOperator<NDArray> f) {
    if (!ON.get() || !Backprop.isRecording()) {
      return f.apply(x);
    }
    NDManager m = x.getManager();
    long seed;
    try (NDArray draw = m.randomInteger(0, Integer.MAX_VALUE, new Shape(1), DataType.INT64)) {
      seed = draw.toLongArray()[0];
    }
    NDArray y;
    JniUtils.setGradMode(false);
    try {
      m.getEngine().setRandomSeed((int) seed);
      y = Scopes.keepOnlyResult(() -> f.apply(x));
    } finally {
      JniUtils.setGradMode(true);
    }
    y.setRequiresGradient(true);
    Backprop.record(new Node(x, y, f, seed));
    return y;
  }

  private record Node(NDArray x, NDArray y, UnaryOperator<NDArray> f, long seed)
      implements DeferredGradient {

    @Override
    public NDList outputs() {
      return new NDList(y);
    }

    @Override
    public NDList inputs() {
      return new NDList(x);
    }

    @Override
    public NDList backward(NDList outputGradients) {
      NDArray gy = outputGradients.get(0).stopGradient();
      NDArray gx = Scopes.keepOnlyResult(() -> {
        NDArray xr = x.stopGradient(); // (same values, no history) the recomputed graph's leaf
        xr.setRequiresGradient(true);
        x.getManager().getEngine().setRandomSeed((int) seed);
        Backprop.isolated(() -> {
          NDArray yr = f.apply(xr);
          Backprop.backward(yr.mul(gy).sum()); // parameters' gradients accumulate here
          return null;
        });
        return xr.getGradient();
      });
      return new NDList(gx);
    }
  }
}
