package org.mambamixer.ablations.study;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * {@code --engine local}: {@code jobs} cells at once, each in its own child JVM
 * ({@link CellWorker}). With more than one job the machine's cores are split between the cells
 * rather than every cell's libtorch and scan kernel starting a thread per core of the machine:
 * a forecasting step's small ops gain less than 2x from a second thread, so one-thread cells side
 * by side finish more cells per hour (docs/benchmarks.md, "Cells side by side").
 */
public final class LocalEngine implements CellEngine {
  private final ExecutorService pool;
  private final int threadsPerCell;

  public LocalEngine(int jobs) {
    this(jobs, Runtime.getRuntime().availableProcessors());
  }

  /** @param cores the cores to split between {@code jobs} cells */
  LocalEngine(int jobs, int cores) {
    if (jobs <= 0) {
      throw new IllegalArgumentException("--jobs must be positive, got " + jobs);
    }
    // One job keeps the child's own defaults, as a run outside a study would have.
    threadsPerCell = jobs == 1 ? 0 : Math.max(1, cores / jobs);
    pool = Executors.newFixedThreadPool(jobs, r -> {
      Thread t = new Thread(r, "study-cell");
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public List<CellResult> run(List<CellJob> jobs, Consumer<CellResult> done) {
    ExecutorCompletionService<CellResult> cs = new ExecutorCompletionService<>(pool);
    jobs.forEach(j -> cs.submit(() -> CellWorker.execute(j, Map.of(), threadsPerCell)));
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

  /** Threads each cell's JVM is given, 0 when it chooses for itself. */
  int threadsPerCell() {
    return threadsPerCell;
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
