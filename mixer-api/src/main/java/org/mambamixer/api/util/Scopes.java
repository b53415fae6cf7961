package org.mambamixer.api.util;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import java.util.function.Supplier;

/** Freeing a computation's intermediates as soon as it returns, instead of at the batch's end. */
public final class Scopes {
  private Scopes() {}

  /**
   * Runs {@code f} in its own {@link NDScope}: every array it creates is closed on return except
   * its result, which moves to the enclosing scope. Only for code that records no deferred
   * gradient (inference, or a forward that is recomputed later): a recorded node's arrays would
   * be closed before its backward.
   *
   * <p>Why: the trainers free a batch's arrays with one scope per batch, so without this every
   * intermediate of every layer is alive at the batch's end. A 256-window weather evaluation
   * (21 variates) peaked at 8.4 GB that way.
   */
  public static NDArray keepOnlyResult(Supplier<NDArray> f) {
    return keepOnlyResults(() -> new NDList(f.get())).head();
  }

  /** {@link #keepOnlyResult} for a computation with several results. */
  public static NDList keepOnlyResults(Supplier<NDList> f) {
    NDList results;
    try (NDScope scope = new NDScope()) {
      results = f.get();
      NDScope.unregister(results);
    }
    results.forEach(NDScope::register);
    return results;
  }
}
