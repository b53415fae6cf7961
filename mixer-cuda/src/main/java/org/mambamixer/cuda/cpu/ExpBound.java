package org.mambamixer.cuda.cpu;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/**
 * This CPU's exp throughput with the scan's own exp: the bound a fused scan approaches, since it
 * computes one exp per (b, d, l, n) element in the forward and recomputes it in the backward.
 */
public final class ExpBound {
  private ExpBound() {}

  /**
   * Exps per second over all {@code threads}, each repeatedly exponentiating its own array of
   * {@code size} floats (small enough to stay in L1/L2, so memory does not bound it).
   */
  public static double perSecond(int threads, int size, double seconds) {
    TileOps ops = TileOps.best();
    // Compile the exp loop before timing it.
    float[] warm = new float[size];
    for (int i = 0; i < 20_000; i++) {
      ops.exp(warm, size);
      Arrays.fill(warm, -1f);
    }
    ForkJoinPool pool = new ForkJoinPool(threads);
    try {
      List<ForkJoinTask<Long>> tasks = new ArrayList<>();
      long start = System.nanoTime();
      long end = start + (long) (seconds * 1e9);
      for (int t = 0; t < threads; t++) {
        tasks.add(pool.submit(() -> {
          // Arguments in (-8, 0], the range of dt * A, restored by a copy before each pass.
          float[] src = new float[size];
          for (int i = 0; i < size; i++) {
            src[i] = -8f * i / size;
          }
          float[] x = new float[size];
          long count = 0;
          while (System.nanoTime() < end) {
            System.arraycopy(src, 0, x, 0, size);
            ops.exp(x, size);
            count += size;
          }
          return count;
        }));
      }
      long total = 0;
      for (ForkJoinTask<Long> t : tasks) {
        total += t.join();
      }
      return total / ((System.nanoTime() - start) / 1e9);
    } finally {
      pool.shutdown();
    }
  }
}
