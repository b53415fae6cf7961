package org.mambamixer.timeseries.train;

/**
 * Streaming MSE and MAE over every forecast element, plus the MSE of each horizon step (to show
 * how error grows with lead time). Accumulated in double so the order of batches does not matter
 * beyond the last bits.
 */
public final class Metrics {
  private final int horizon;
  private final int variates;
  private final double[] stepSquared;
  private double squared;
  private double absolute;
  private long count;

  public Metrics(int horizon, int variates) {
    this.horizon = horizon;
    this.variates = variates;
    this.stepSquared = new double[horizon];
  }

  /** Adds a batch: {@code pred} and {@code truth} are (n, H, M) in C order. */
  public void add(float[] pred, float[] truth) {
    if (pred.length != truth.length || pred.length % (horizon * variates) != 0) {
      throw new IllegalArgumentException("prediction (" + pred.length + ") and truth ("
          + truth.length + ") must both hold n x " + horizon + " x " + variates + " values");
    }
    for (int i = 0; i < pred.length; i++) {
      double e = (double) pred[i] - truth[i];
      squared += e * e;
      absolute += Math.abs(e);
      stepSquared[(i / variates) % horizon] += e * e;
    }
    count += pred.length;
  }

  public double mse() {
    return squared / count;
  }

  public double mae() {
    return absolute / count;
  }

  /** MSE of each horizon step (length H). */
  public double[] stepMse() {
    double[] out = new double[horizon];
    long perStep = count / horizon;
    for (int h = 0; h < horizon; h++) {
      out[h] = stepSquared[h] / perStep;
    }
    return out;
  }

  public long count() {
    return count;
  }
}
