package org.mambamixer.runtime.train;

/**
 * Top-1 / top-5 counts and the confusion matrix of one evaluation. A prediction is in the top k
 * when fewer than k other classes score at least as high as the true class: a tie is not an answer,
 * else a model scoring every class alike would be right every time. A row holding a NaN is wrong.
 */
public final class Accuracy {
  private final int classes;
  private final long[][] confusion; // [true][predicted]
  private long count;
  private long top1;
  private long top5;

  public Accuracy(int classes) {
    this.classes = classes;
    this.confusion = new long[classes][classes];
  }

  /**
   * Adds a batch.
   *
   * @param logits (n, classes) row-major
   * @param labels n true classes
   */
  public void add(float[] logits, int[] labels) {
    int n = labels.length;
    if (logits.length != n * classes) {
      throw new IllegalArgumentException(logits.length + " logits do not hold " + n + " rows of "
          + classes + " classes");
    }
    for (int i = 0; i < n; i++) {
      int y = labels[i];
      float truth = logits[i * classes + y];
      int rivals = 0;
      boolean nan = false;
      int argmax = 0;
      for (int k = 0; k < classes; k++) {
        float v = logits[i * classes + k];
        nan |= Float.isNaN(v);
        if (k != y && v >= truth) {
          rivals++;
        }
        if (v > logits[i * classes + argmax]) {
          argmax = k;
        }
      }
      count++;
      top1 += !nan && rivals == 0 ? 1 : 0;
      top5 += !nan && rivals < 5 ? 1 : 0;
      confusion[y][argmax]++;
    }
  }

  public long count() {
    return count;
  }

  public double top1() {
    return count == 0 ? Double.NaN : (double) top1 / count;
  }

  public double top5() {
    return count == 0 ? Double.NaN : (double) top5 / count;
  }

  /** Counts of (true class, argmax class); a copy. */
  public long[][] confusion() {
    long[][] copy = new long[classes][];
    for (int i = 0; i < classes; i++) {
      copy[i] = confusion[i].clone();
    }
    return copy;
  }
}
