package org.mambamixer.timeseries.data;

import static org.mambamixer.api.util.Tensors.requirePositive;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.BatchSampler;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.training.dataset.Sampler;
import ai.djl.training.dataset.SequenceSampler;
import ai.djl.translate.Batchifier;
import ai.djl.util.Progress;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutorService;

/**
 * The sliding forecast windows (stride 1) of one split as a DJL dataset: record i has data
 * {@code (lookback, M)} = normalised rows {@code first+i .. first+i+L-1} and label
 * {@code (horizon, M)} = the H rows after them, both float32. See {@link Splits} for where a
 * split's windows start.
 *
 * <p>Batches are assembled straight from the backing array (one NDArray per batch rather than
 * one per window plus a stack), as {@code (B, L, M)} data and {@code (B, H, M)} labels, in the
 * order the sampler dictates, on the calling thread (copying a batch costs less than handing it
 * to an executor, so an executor passed to {@code getData} is ignored). Both factories keep the
 * last partial batch: evaluation must score every window (spec D11), and training loses nothing
 * by it.
 */
public final class ForecastWindows extends RandomAccessDataset implements WindowSource {
  private final String name;
  private final float[] rows; // (count + L + H - 1, M), the rows the windows cover
  private final int variates;
  private final int lookback;
  private final int horizon;
  private final int count;
  private final int firstRow;

  private ForecastWindows(Builder builder) {
    super(builder);
    Splits splits = builder.splits;
    this.name = splits.dataset() + " " + builder.split;
    this.lookback = builder.lookback;
    this.horizon = builder.horizon;
    this.count = splits.windowCount(builder.split, lookback, horizon);
    this.firstRow = splits.windowStart(builder.split, lookback, horizon);
    float[][] values = builder.normalised;
    if (values.length != splits.rows()) {
      throw new IllegalArgumentException(
          name + ": normalised values have " + values.length + " rows, the splits "
              + splits.rows());
    }
    this.variates = values[0].length;
    int span = count + lookback + horizon - 1;
    this.rows = new float[span * variates];
    for (int r = 0; r < span; r++) {
      System.arraycopy(values[firstRow + r], 0, rows, r * variates, variates);
    }
  }

  /**
   * Every window of {@code split} in time order, in batches of {@code batchSize}; the last batch
   * holds the remainder.
   *
   * @param normalised the scaled series // (T, M)
   */
  public static ForecastWindows evaluation(
      float[][] normalised, Splits splits, Split split, int lookback, int horizon, int batchSize) {
    return new ForecastWindows(
        new Builder(normalised, splits, split, lookback, horizon)
            .setSampling(new BatchSampler(
                new SequenceSampler(), requirePositive("batchSize", batchSize), false)));
  }

  /**
   * The train windows, reshuffled every epoch (every {@code getData} call) by a permutation that
   * depends only on {@code seed} and the epoch number.
   *
   * @param normalised the scaled series // (T, M)
   */
  public static ForecastWindows training(
      float[][] normalised, Splits splits, int lookback, int horizon, int batchSize, long seed) {
    return new ForecastWindows(
        new Builder(normalised, splits, Split.TRAIN, lookback, horizon)
            .setSampling(new BatchSampler(
                new SeededShuffle(seed), requirePositive("batchSize", batchSize), false)));
  }

  public int lookback() {
    return lookback;
  }

  public int horizon() {
    return horizon;
  }

  /** M, the number of variates. */
  public int variates() {
    return variates;
  }

  /** The series row of the first input of window 0. */
  public int firstRow() {
    return firstRow;
  }

  @Override
  public int windows() {
    return count;
  }

  @Override
  public void fill(int i, float[] x, int xOffset, float[] y, int yOffset) {
    checkIndex(i);
    System.arraycopy(rows, i * variates, x, xOffset, lookback * variates);
    System.arraycopy(rows, (i + lookback) * variates, y, yOffset, horizon * variates);
  }

  /** The normalised value of variate {@code m} at offset {@code k} of window {@code i}. */
  float value(long i, int k, int m) {
    return rows[(int) (i + k) * variates + m];
  }

  @Override
  public Record get(NDManager manager, long index) {
    checkIndex(index);
    List<Long> one = List.of(index);
    return new Record(
        new NDList(manager.create(gather(one, 0, lookback), new Shape(lookback, variates))),
        new NDList(manager.create(gather(one, lookback, horizon), new Shape(horizon, variates))));
  }

  @Override
  public Iterable<Batch> getData(NDManager manager, Sampler sampler, ExecutorService executor) {
    return () -> new Iterator<>() {
      private final Iterator<List<Long>> batches = sampler.sample(ForecastWindows.this);
      private long served;

      @Override
      public boolean hasNext() {
        return batches.hasNext();
      }

      @Override
      public Batch next() {
        if (!hasNext()) {
          throw new NoSuchElementException(name + ": no more batches");
        }
        List<Long> indices = batches.next();
        NDManager batchManager = manager.newSubManager();
        indices.forEach(ForecastWindows.this::checkIndex);
        served += indices.size();
        int b = indices.size();
        return new Batch(batchManager,
            new NDList(batchManager.create(
                gather(indices, 0, lookback), new Shape(b, lookback, variates))),
            new NDList(batchManager.create(
                gather(indices, lookback, horizon), new Shape(b, horizon, variates))),
            indices.size(), Batchifier.STACK, Batchifier.STACK, served, size(), indices);
      }
    };
  }

  @Override
  protected long availableSize() {
    return count;
  }

  @Override
  public void prepare(Progress progress) {
    // Everything is in memory from construction on.
  }

  /** Rows {@code offset .. offset+length-1} of each listed window, flat // (B, length, M) */
  private float[] gather(List<Long> indices, int offset, int length) {
    int block = length * variates;
    float[] out = new float[indices.size() * block];
    for (int b = 0; b < indices.size(); b++) {
      System.arraycopy(rows, (int) (indices.get(b) + offset) * variates, out, b * block, block);
    }
    return out;
  }

  private void checkIndex(long index) {
    if (index < 0 || index >= count) {
      throw new IndexOutOfBoundsException(name + ": window " + index + " of " + count);
    }
  }

  private static final class Builder extends BaseBuilder<Builder> {
    private final float[][] normalised;
    private final Splits splits;
    private final Split split;
    private final int lookback;
    private final int horizon;

    Builder(float[][] normalised, Splits splits, Split split, int lookback, int horizon) {
      this.normalised = normalised;
      this.splits = splits;
      this.split = split;
      this.lookback = lookback;
      this.horizon = horizon;
    }

    @Override
    protected Builder self() {
      return this;
    }
  }
}
