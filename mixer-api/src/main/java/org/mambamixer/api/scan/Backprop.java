package org.mambamixer.api.scan;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.mambamixer.api.util.Scalars;

/**
 * Backpropagation that understands {@link DeferredGradient}s: call {@link #backward(NDArray)}
 * where DJL code would call {@code GradientCollector.backward(loss)}.
 *
 * <p>How it works: the loss is differentiated first, which fills the gradients of every deferred
 * node's output leaves. Nodes are then visited in reverse recording order, a valid topological
 * order because a node's outputs are consumed only by operations recorded after it. Each node's
 * input gradients are injected with one engine backward of the surrogate {@code sum_i(x_i *
 * stopGradient(g_i))}, whose gradient with respect to x_i is exactly g_i; where all inputs but
 * one are leaves (a fused mixer's xz and its weights, a cut's input), that one goes in by an
 * engine backward started from it with its g instead (see inject). The graph is kept between
 * these passes because the segments share nodes (the weighted average reads every earlier layer).
 *
 * <p>Each pass walks the whole graph upstream of its node's inputs (the residual stream reaches
 * back to the stem), so a deep model would pay passes x depth. Three things keep that linear:
 * nodes recorded inside one {@link #siblings()} scope (the routes of a mixer) share a pass, their
 * surrogates summed; {@link #cut} ends each sublayer's graph at a leaf, so a pass stops at the
 * sublayer below it; and {@link #cutAhead} does the same for a backbone's or a stage's input,
 * which every layer reads.
 *
 * <p>The tape is per thread. With no deferred node recorded this is exactly one engine backward.
 */
public final class Backprop {
  private static final ThreadLocal<Tape> TAPE = ThreadLocal.withInitial(Tape::new);

  /**
   * Recorded nodes in groups that share a backward pass; while a {@link #siblings()} scope is
   * open, its groups by level (the n-th node of every sibling) and the current sibling's level.
   */
  private static final class Tape {
    final Deque<List<DeferredGradient>> groups = new ArrayDeque<>();
    List<List<DeferredGradient>> open;
    int level;
    UnaryOperator<DeferredGradient> decorator;

    void clear() {
      groups.clear();
      open = null;
    }
  }

  /** A {@link #siblings()} scope: {@link #next} before each sibling, closed after the last. */
  public interface Siblings extends AutoCloseable {
    /** The nodes recorded from here on belong to the next sibling. */
    void next();

    @Override
    void close();
  }

  private Backprop() {}

  /** True when the engine records a graph (inside a GradientCollector). */
  public static boolean isRecording() {
    return JniUtils.isGradMode();
  }

  /** Records a node; backends call this only when {@link #isRecording()}. */
  public static void record(DeferredGradient node) {
    Tape t = TAPE.get();
    if (t.decorator != null) {
      node = t.decorator.apply(node);
    }
    if (t.open != null) {
      if (t.open.size() == t.level) {
        t.open.add(new ArrayList<>());
      }
      t.open.get(t.level++).add(node);
    } else {
      t.groups.addLast(new ArrayList<>(List.of(node)));
    }
  }

  /**
   * Runs {@code f}, putting every node recorded meanwhile on the tape as {@code
   * decorator.apply(node)}: how a decorator of a backend (the step profiler's clock) sees the
   * backward of the calls it wraps, without the backend or the model knowing. Nested calls apply
   * the innermost decorator.
   */
  public static <T> T decorating(UnaryOperator<DeferredGradient> decorator, Supplier<T> f) {
    Tape t = TAPE.get();
    UnaryOperator<DeferredGradient> outer = t.decorator;
    t.decorator = decorator;
    try {
      return f.get();
    } finally {
      t.decorator = outer;
    }
  }

  /**
   * Until closed, the n-th node recorded in each sibling (between two {@link Siblings#next}
   * calls) joins the n-th node of every other sibling in one group, which shares a backward
   * pass. The caller promises that siblings are independent: no node of one depends, even
   * indirectly, on another sibling's outputs (the routes of a mixer, whose outputs are only
   * summed after all of them). Nodes within a sibling may depend on each other (a backend that
   * records several nodes per scan call): they take levels in turn, so they never share a pass.
   * Without {@code next} every node is a level of its own, as without the scope. A scope opened
   * inside another is plain: its nodes take the outer sibling's next levels.
   */
  public static Siblings siblings() {
    Tape t = TAPE.get();
    if (t.open != null) {
      return new Siblings() {
        @Override
        public void next() {}

        @Override
        public void close() {}
      };
    }
    List<List<DeferredGradient>> levels = new ArrayList<>();
    t.open = levels;
    t.level = 0;
    return new Siblings() {
      @Override
      public void next() {
        if (t.open == levels) {
          t.level = 0;
        }
      }

      @Override
      public void close() {
        if (t.open == levels) {
          t.open = null;
          for (List<DeferredGradient> group : levels) {
            t.groups.addLast(group);
          }
        }
      }
    };
  }

  /**
   * {@code y} as a gradient leaf whose gradient is handed back to {@code y}'s graph by one pass of
   * its own (an identity node): later passes then stop at the leaf instead of walking on through
   * {@code y}'s graph and everything upstream of it. A no-op (returns {@code y}) when no graph is
   * recorded or no deferred node is pending, because without later passes a cut only adds one,
   * and inside a {@link #siblings()} scope, whose nodes must not depend on each other.
   */
  public static NDArray cut(NDArray y) {
    return pending() == 0 ? y : leaf(y);
  }

  /**
   * {@link #cut} before any node is pending, for a tensor that many later nodes' passes would
   * walk back to (a backbone's or a ViM2 stage's input, which the skip aggregation of every layer
   * reads). It pays where such nodes will follow: the scan's ops defer their gradients
   * ({@link SelectiveScan#defersGradients()}) or sublayers are recomputed; otherwise, and where
   * {@link #cut} would be a no-op for another reason, it returns {@code y}.
   */
  public static NDArray cutAhead(NDArray y, SelectiveScan scan) {
    return scan.defersGradients() || Recompute.on() ? leaf(y) : y;
  }

  /** The cut itself: {@code y} unchanged outside a recorded graph or inside a siblings scope. */
  private static NDArray leaf(NDArray y) {
    if (!isRecording() || TAPE.get().open != null) {
      return y;
    }
    NDArray leaf = y.stopGradient();
    leaf.setRequiresGradient(true);
    record(new DeferredGradient() {
      @Override
      public NDList outputs() {
        return new NDList(leaf);
      }

      @Override
      public NDList inputs() {
        return new NDList(y);
      }

      @Override
      public NDList backward(NDList outputGradients) {
        return outputGradients;
      }
    });
    return leaf;
  }

  /** Number of nodes waiting for the next backward on this thread. */
  public static int pending() {
    Tape t = TAPE.get();
    int n = 0;
    for (List<DeferredGradient> g : t.groups) {
      n += g.size();
    }
    if (t.open != null) {
      for (List<DeferredGradient> g : t.open) {
        n += g.size();
      }
    }
    return n;
  }

  /** Number of engine backward passes the nodes waiting on this thread will take. */
  public static int pendingPasses() {
    return TAPE.get().groups.size();
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
    Tape outer = TAPE.get();
    TAPE.set(new Tape());
    try {
      return f.get();
    } finally {
      TAPE.set(outer);
    }
  }

  /** Differentiates {@code loss} (a scalar) through the engine graph and every deferred node. */
  public static void backward(NDArray loss) {
    Tape tape = TAPE.get();
    if (tape.open != null) {
      throw new IllegalStateException("backward inside an open Backprop.siblings() scope");
    }
    Deque<List<DeferredGradient>> groups = tape.groups;
    try {
      engineBackward(loss, !groups.isEmpty());
      while (!groups.isEmpty()) {
        inject(groups.pollLast(), !groups.isEmpty());
      }
    } finally {
      tape.clear();
    }
  }

  /**
   * Runs the group's nodes and hands their input gradients to the graph. An input that reads
   * {@code requires_grad} true is a leaf (a parameter, a cut); one that reads false is an engine
   * result (DJL 0.36 reports false for those) or a constant. When exactly one input is of the
   * second kind, as the fused mixer's xz or a cut's input, its gradient g goes in by a pass of
   * its own that starts from x with g (a vector-Jacobian product): the surrogate's product x g,
   * its sum and the product's backward, three passes over x's (rows, L, 2E) floats, are not made
   * (about 15 ms per fused mixer of a TSM2 step). The leaves share the surrogate pass, which
   * visits nothing but them. Several engine results share one surrogate pass, since their
   * graphs overlap and a pass each would walk the overlap again.
   */
  private static void inject(List<DeferredGradient> group, boolean keepGraph) {
    List<NDArray> xs = new ArrayList<>();
    List<NDArray> gs = new ArrayList<>();
    int single = -1;
    int results = 0;
    for (DeferredGradient node : group) {
      NDList outs = node.outputs();
      NDList grads = new NDList(outs.size());
      for (NDArray out : outs) {
        grads.add(gradientOrZeros(out));
      }
      // Every node's output gradients are complete before the first of them is read, because
      // no node of a group feeds another.
      NDList inputGrads = node.backward(grads);
      NDList ins = node.inputs();
      for (int i = 0; i < ins.size(); i++) {
        NDArray x = ins.get(i);
        NDArray g = inputGrads.get(i);
        if (x != null && g != null) {
          if (!x.hasGradient()) {
            single = xs.size();
            results++;
          }
          xs.add(x);
          gs.add(g);
        }
      }
    }
    if (results == 1) {
      NDArray x = xs.remove(single);
      NDArray g = gs.remove(single);
      vectorJacobian(x, g, keepGraph || !xs.isEmpty());
    }
    if (xs.isEmpty()) { // nothing (more) to hand in
      return;
    }
    engineBackward(surrogate(xs, gs), keepGraph);
  }

  /**
   * {@code sum_i sum(x_i * stopGradient(g_i))}, whose gradient with respect to x_i is g_i.
   */
  private static NDArray surrogate(List<NDArray> xs, List<NDArray> gs) {
    // Every input takes part: the engine's requires_grad flag reads false for non-leaf results
    // in DJL 0.36 (e.g. exp(p) of a parameter p), so it cannot tell which inputs are in the
    // graph. A fresh leaf weighted by zero keeps the surrogate differentiable when none is;
    // the engine then routes gradients to exactly the inputs that have a path to a leaf.
    NDArray anchor = xs.get(0).getManager().zeros(new Shape());
    anchor.setRequiresGradient(true);
    NDArray surrogate = Scalars.times(anchor, 0);
    for (int i = 0; i < xs.size(); i++) {
      surrogate = surrogate.add(xs.get(i).mul(gs.get(i).stopGradient()).sum());
    }
    return surrogate;
  }

  /**
   * The engine backward from {@code x} with gradient {@code g}. An x outside the graph (a
   * constant input: its flag reads as an engine result's) has nowhere to send g, which is what
   * the surrogate would do with it; the engine refuses such a start, and that refusal is dropped.
   */
  private static void vectorJacobian(NDArray x, NDArray g, boolean keepGraph) {
    try {
      JniUtils.backward((PtNDArray) x, (PtNDArray) g, keepGraph, false);
    } catch (EngineException e) {
      if (e.getMessage() == null || !e.getMessage().contains("does not require grad")) {
        throw e;
      }
    }
  }

  private static void engineBackward(NDArray target, boolean keepGraph) {
    PtNDArray t = (PtNDArray) target;
    try (NDArray ones = target.onesLike()) {
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
