package org.mambamixer.api.scan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.util.function.Function;
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

  /** True while recomputation is enabled on this thread. */
  public static boolean on() {
    return ON.get();
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
    return apply(new NDList(x), in -> f.apply(in.singletonOrThrow()));
  }

  /** {@link #apply(NDArray, UnaryOperator)} of a function of several inputs. */
  public static NDArray apply(NDList xs, Function<NDList, NDArray> f) {
    if (!ON.get() || !Backprop.isRecording()) {
      return f.apply(xs);
    }
    NDManager m = xs.head().getManager();
    int seed;
    try (NDArray draw = m.randomInteger(0, Integer.MAX_VALUE, new Shape(1), DataType.INT64)) {
      seed = (int) draw.toLongArray()[0];
    }
    NDArray y;
    JniUtils.setGradMode(false);
    try {
      m.getEngine().setRandomSeed(seed);
      y = Scopes.keepOnlyResult(() -> f.apply(xs));
    } finally {
      JniUtils.setGradMode(true);
    }
    y.setRequiresGradient(true);
    Backprop.record(new Node(xs, y, f, seed));
    return y;
  }

  private record Node(NDList xs, NDArray y, Function<NDList, NDArray> f, int seed)
      implements DeferredGradient {

    @Override
    public NDList outputs() {
      return new NDList(y);
    }

    @Override
    public NDList inputs() {
      return xs;
    }

    @Override
    public NDList backward(NDList outputGradients) {
      NDArray gy = outputGradients.get(0).stopGradient();
      return Scopes.keepOnlyResults(() -> {
        NDList xr = new NDList(xs.size());
        for (NDArray x : xs) {
          NDArray d = x.stopGradient(); // same values, no history: the recomputed graph's leaf
          d.setRequiresGradient(true);
          xr.add(d);
        }
        xs.head().getManager().getEngine().setRandomSeed(seed);
        Backprop.isolated(() -> {
          NDArray yr = f.apply(xr);
          Backprop.backward(yr.mul(gy).sum()); // parameters' gradients accumulate here
          return null;
        });
        NDList grads = new NDList(xr.size());
        for (NDArray d : xr) {
          grads.add(Backprop.gradientOrZeros(d));
        }
        return grads;
      });
    }
  }
}
