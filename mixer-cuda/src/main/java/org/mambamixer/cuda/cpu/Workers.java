package org.mambamixer.cuda.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A fixed set of worker threads that take numbered work units from a shared counter, each with
 * scratch state of its own. Which thread runs a unit never changes a result: callers keep one
 * partial per unit and add the partials in unit order.
 */
final class Workers {
  /** One unit of work on the calling worker's scratch state. */
  interface Body<S> {
    void run(S scratch, int unit);
  }

  private final int threads;
  private final ForkJoinPool pool;

  /** @param threads worker threads (1 runs every unit on the caller's thread) */
  Workers(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be positive, got " + threads);
    }
    this.threads = threads;
    this.pool = threads > 1 ? new ForkJoinPool(threads) : null;
  }

  int threads() {
    return threads;
  }

  /** Runs units 0 .. units-1, each once; returns when all have finished. */
  <S> void forEach(int units, Supplier<S> scratch, Body<S> body) {
    AtomicInteger next = new AtomicInteger();
    Runnable worker = () -> {
      S s = scratch.get();
      for (int i = next.getAndIncrement(); i < units; i = next.getAndIncrement()) {
        body.run(s, i);
      }
    };
    int workers = Math.min(threads, units);
    if (workers <= 1) {
      worker.run();
      return;
    }
    List<ForkJoinTask<?>> tasks = new ArrayList<>(workers);
    for (int w = 0; w < workers; w++) {
      tasks.add(pool.submit(worker));
    }
    for (ForkJoinTask<?> t : tasks) {
      t.join();
    }
  }
}
