package org.mambamixer.timeseries.data;

/**
 * The standard chronological split of a series of {@code rows} rows and the sliding windows over
 * each block.
 *
 * <p>A window of lookback L and horizon H starting at row s reads inputs s..s+L-1 and targets
 * s+L..s+L+H-1. Train windows start at row 0 of the train block; validation and test windows start
 * L rows before their block, so the first window looks back into the preceding block while every
 * target stays inside its own block (as the Informer/Autoformer data loaders cut them).
 *
 * @param dataset the dataset name, for messages
 * @param rule the rule that produced the blocks
 * @param rows the series length T; rows past the test block (ETT) are unused
 */
public record Splits(String dataset, SplitRule rule, int rows, Block train, Block val, Block test) {

  /** The rows {@code [start, end)} whose values are targets of one split. */
  public record Block(int start, int end) {
    public Block {
      if (start < 0 || end < start) {
        throw new IllegalArgumentException("block [" + start + ", " + end + ") is not a row range");
      }
    }

    public int size() {
      return end - start;
    }
  }

  public Splits {
    if (train.start() != 0 || val.start() != train.end() || test.start() != val.end()
        || test.end() > rows) {
      throw new IllegalArgumentException(
          dataset + ": blocks train " + train + ", val " + val + ", test " + test
              + " are not consecutive from row 0 within " + rows + " rows");
    }
  }

  /** The split {@link SplitRule#forDataset the benchmark code} uses for this dataset name. */
  public static Splits forDataset(String dataset, int rows) {
    return of(dataset, SplitRule.forDataset(dataset), rows);
  }

  /** The blocks an explicit rule gives a series of {@code rows} rows. */
  public static Splits of(String dataset, SplitRule rule, int rows) {
    int train;
    int val;
    int test;
    switch (rule) {
      case ETT_HOURLY, ETT_15MIN -> {
        int month = 30 * 24 * (rule == SplitRule.ETT_HOURLY ? 1 : 4);
        train = 12 * month;
        val = 4 * month;
        test = 4 * month;
        if (rows < train + val + test) {
          throw new IllegalArgumentException(
              dataset + " has " + rows + " rows but the " + rule + " split needs "
                  + (train + val + test) + " (" + train + "/" + val + "/" + test + ")");
        }
      }
      case RATIO_70_10_20 -> {
        // The same double arithmetic as Python's int(len * 0.7), so borders match the reference.
        train = (int) (rows * 0.7);
        test = (int) (rows * 0.2);
        val = rows - train - test;
      }
      default -> throw new AssertionError(rule);
    }
    return new Splits(
        dataset, rule, rows,
        new Block(0, train),
        new Block(train, train + val),
        new Block(train + val, train + val + test));
  }

  public Block block(Split split) {
    return switch (split) {
      case TRAIN -> train;
      case VAL -> val;
      case TEST -> test;
    };
  }

  /** The row where the first window of {@code split} starts (its first input row). */
  public int windowStart(Split split, int lookback, int horizon) {
    windowCount(split, lookback, horizon);
    return firstRow(split, lookback);
  }

  /**
   * The number of windows (stride 1) of {@code split}.
   *
   * @throws IllegalArgumentException when the split cannot hold a single window
   */
  public int windowCount(Split split, int lookback, int horizon) {
    if (lookback <= 0 || horizon <= 0) {
      throw new IllegalArgumentException(
          "lookback and horizon must be positive, got " + lookback + " and " + horizon);
    }
    Block b = block(split);
    int first = firstRow(split, lookback);
    if (first < 0) {
      throw new IllegalArgumentException(
          dataset + " " + split + ": lookback " + lookback + " reaches " + (-first)
              + " rows before the start of the series (block " + b + ")");
    }
    int rowsUsed = b.end() - first;
    if (rowsUsed < lookback + horizon) {
      throw new IllegalArgumentException(
          dataset + " " + split + " has " + rowsUsed + " rows (block " + b
              + (split == Split.TRAIN ? "" : " plus " + lookback + " rows of lookback context")
              + "), fewer than lookback + horizon = " + lookback + " + " + horizon);
    }
    return rowsUsed - lookback - horizon + 1;
  }

  private int firstRow(Split split, int lookback) {
    Block b = block(split);
    return split == Split.TRAIN ? b.start() : b.start() - lookback;
  }
}
