package org.mambamixer.api.scan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Supplier;
import org.mambamixer.api.util.OpTimer;
import org.mambamixer.api.util.Scalars;

/**
 * Backpropagation that understands {@link DeferredGradient}s: call {@link #backward(NDArray)}
 * where DJL code would call {@code GradientCollector.backward(loss)}.
 *
 * <p>How it works: the loss is differentiated first, which fills the gradients of every deferred
 * node's output leaves. Nodes are then visited in reverse recording order, a valid topological
 * order because a node's outputs are consumed only by operations recorded after it. Each node's
 * input gradients are injected with one engine backward of the surrogate {@code sum_i(x_i *
 * stopGradient(g_i))}, whose gradient with respect to x_i is exactly g_i. The graph is kept between
 * these passes because the segments share nodes (the weighted average reads every earlier layer).
 *
 * <p>The tape is per thread. With no deferred node recorded this is exactly one engine backward.
 */
public final class Backprop {
  private static final ThreadLocal<Deque<DeferredGradient>> TAPE =
      ThreadLocal.withInitial(ArrayDeque::new);

  private Backprop() {}

  /** True when the engine records a graph (inside a GradientCollector). */
  public static boolean isRecording() {
    return JniUtils.isGradMode();
  }

  /** Records a node; backends call this only when {@link #isRecording()}. */
  public static void record(DeferredGradient node) {
    TAPE.get().addLast(node);
  }

  /** Number of nodes waiting for the next backward on this thread. */
  public static int pending() {
    return TAPE.get().size();
  }

  /** Drops nodes left by a forward that was never differentiated (for example after an error). */
  public static void discard() {
    TAPE.get().clear();
  }

  /**
   * Runs {@code f} with an empty tape of its own, restoring the enclosing one after: a node whose
   * backward differentiates a graph of its own ({@link Recompute}) must not take the enclosing
   * backward's pending nodes.
   */
  static <T> T isolated(Supplier<T> f) {
    Deque<DeferredGradient> outer = TAPE.get();
    TAPE.set(new ArrayDeque<>());
    try {
      return f.get();
    } finally {
      TAPE.set(outer);
    }
  }

  /** Differentiates {@code loss} (a scalar) through the engine graph and every deferred node. */
  public static void backward(NDArray loss) {
    Deque<DeferredGradient> tape = TAPE.get();
    try {
      engineBackward(loss, !tape.isEmpty());
      while (!tape.isEmpty()) {
        DeferredGradient node = tape.pollLast();
        NDArray surrogate;
        try (OpTimer.Section s = OpTimer.section(OpTimer.Family.BRIDGE_BACKWARD)) {
          surrogate = surrogate(node);
        }
        engineBackward(surrogate, !tape.isEmpty());
      }
    } finally {
      tape.clear();
    }
  }

  /**
   * {@code sum_i sum(x_i * stopGradient(g_i))} over the node's inputs, whose gradient with
   * respect to x_i is the node's input gradient g_i.
   */
  private static NDArray surrogate(DeferredGradient node) {
    NDList outs = node.outputs();
    NDList grads = new NDList(outs.size());
    for (NDArray out : outs) {
      grads.add(gradientOrZeros(out));
    }
    NDList inputGrads = node.backward(grads);
    NDList ins = node.inputs();
    // Every input takes part: the engine's requires_grad flag reads false for non-leaf results
    // in DJL 0.36 (e.g. exp(p) of a parameter p), so it cannot tell which inputs are in the
    // graph. A fresh leaf weighted by zero keeps the surrogate differentiable when none is;
    // the engine then routes gradients to exactly the inputs that have a path to a leaf.
    NDArray anchor = outs.get(0).getManager().zeros(new Shape());
    anchor.setRequiresGradient(true);
    NDArray surrogate = Scalars.times(anchor, 0);
    for (int i = 0; i < ins.size(); i++) {
      NDArray x = ins.get(i);
      NDArray g = inputGrads.get(i);
      if (x != null && g != null) {
        surrogate = surrogate.add(x.mul(g.stopGradient()).sum());
      }
    }
    return surrogate;
  }

  private static void engineBackward(NDArray target, boolean keepGraph) {
    PtNDArray t = (PtNDArray) target;
    try (OpTimer.Section s = OpTimer.section(OpTimer.Family.ENGINE_BACKWARD);
        NDArray ones = target.onesLike()) {
      JniUtils.backward(t, (PtNDArray) ones, keepGraph, false);
    }
  }

  /** The gradient a leaf accumulated, or zeros where none reached it. */
  static NDArray gradientOrZeros(NDArray leaf) {
    NDArray g = leaf.getGradient();
    if (g == null || g.getShape().isScalar() && !leaf.getShape().isScalar()) {
      return leaf.zerosLike();
    }
    return g;
  }
}
