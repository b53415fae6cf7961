package org.mambamixer.ablations.study;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/** {@code --engine local}: cells on {@code jobs} threads of this JVM. */
public final class LocalEngine implements CellEngine {
  private final ExecutorService pool;

  public LocalEngine(int jobs) {
    if (jobs <= 0) {
      throw new IllegalArgumentException("--jobs must be positive, got " + jobs);
    }
    pool = Executors.newFixedThreadPool(jobs, r -> {
      Thread t = new Thread(r, "study-cell");
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public List<CellResult> run(List<CellJob> jobs, Consumer<CellResult> done) {
    ExecutorCompletionService<CellResult> cs = new ExecutorCompletionService<>(pool);
    jobs.forEach(j -> cs.submit(() -> CellWorker.execute(j)));
    List<CellResult> results = new ArrayList<>();
    for (int i = 0; i < jobs.size(); i++) {
      try {
        CellResult r = cs.take().get();
        done.accept(r);
        results.add(r);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("study interrupted", e);
      } catch (ExecutionException e) {
        throw new IllegalStateException("a cell worker failed outside its cell", e.getCause());
      }
    }
    return results;
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
