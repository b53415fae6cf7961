package org.mambamixer.api.scan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * An operation whose backward the engine cannot run itself (DJL has no custom-autograd op).
 *
 * <p>Its forward produced {@link #outputs()} as gradient-tracking leaves. During {@link
 * Backprop#backward(NDArray)} the engine first accumulates the gradients of those leaves; then
 * {@link #backward(NDList)} turns them into gradients of {@link #inputs()}, which Backprop injects
 * into the graph that produced the inputs.
 */
public interface DeferredGradient {

  /** The leaves created by the forward, whose gradients this node consumes. */
  NDList outputs();

  /** The inputs that may need a gradient, in a fixed order. */
  NDList inputs();

  /**
   * Computes input gradients.
   *
   * @param outputGradients one entry per output; an all-zero array where the output was unused
   * @return one entry per input (null where no gradient flows)
   */
  NDList backward(NDList outputGradients);
}
