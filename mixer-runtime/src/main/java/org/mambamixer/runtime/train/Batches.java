package org.mambamixer.runtime.train;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Batch;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.random.RandomGenerator;

/**
 * An epoch's batches over examples held in memory, for {@link TrainingTask#batches}: the examples
 * in a seeded order, cut into batches, from any batch on, each batch on a manager of its own that
 * closes with it.
 */
public final class Batches {

  /** One batch's inputs and labels. */
  public record Examples(NDList data, NDList labels) {}

  /** Builds the batch of examples {@code indices} on {@code manager}. */
  @FunctionalInterface
  public interface Maker {
    Examples make(NDManager manager, int[] indices);
  }

  private Batches() {}

  /** 0 .. n-1 in a Fisher-Yates shuffle drawn from {@code random}. */
  public static int[] shuffled(int n, RandomGenerator random) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  /**
   * The batches of {@code batchSize} examples of {@code order} (the last one partial), from batch
   * {@code from} on.
   */
  public static Iterator<Batch> of(NDManager manager, int[] order, int batchSize, int from,
      Maker maker) {
    return new Iterator<>() {
      int b = from;

      @Override
      public boolean hasNext() {
        return (long) b * batchSize < order.length;
      }

      @Override
      public Batch next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        int first = b++ * batchSize;
        int[] indices = Arrays.copyOfRange(order, first,
            Math.min(first + batchSize, order.length));
        NDManager m = manager.newSubManager();
        Examples e = maker.make(m, indices);
        return new Batch(m, e.data(), e.labels(), indices.length, null, null, b, 0);
      }
    };
  }
}
