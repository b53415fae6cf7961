package org.mambamixer.timeseries.data;

import ai.djl.ndarray.NDArray;

/**
 * Per-variate z-score {@code (x - mean) / std}, fitted on the train block only so that no
 * statistic of the validation or test rows leaks into training (spec D11).
 *
 * <p>{@code std} is the population standard deviation (divisor n, as scikit-learn's
 * StandardScaler that the reference code uses). A variate that is constant on the train block
 * (std below {@link #MIN_STD}) gets std 1, again as StandardScaler does: it is only centred, so
 * later non-constant values stay on their raw scale instead of being blown up by a tiny divisor.
 *
 * @param mean the train-block mean of each variate // (M)
 * @param std the train-block standard deviation of each variate, never below MIN_STD // (M)
 */
public record Scaler(float[] mean, float[] std) {
  /** Standard deviations below this count as zero variance. */
  public static final double MIN_STD = 1e-8;

  public Scaler {
    if (mean.length != std.length) {
      throw new IllegalArgumentException(
          "mean has " + mean.length + " variates but std has " + std.length);
    }
    for (int m = 0; m < std.length; m++) {
      if (!(std[m] >= MIN_STD) || !Float.isFinite(mean[m]) || !Float.isFinite(std[m])) {
        throw new IllegalArgumentException(
            "variate " + m + ": mean " + mean[m] + " / std " + std[m] + " is not a usable scale");
      }
    }
  }

  /** Fits on the rows of {@code train} of {@code values} // (T, M). */
  public static Scaler fit(float[][] values, Splits.Block train) {
    if (train.size() == 0 || train.end() > values.length) {
      throw new IllegalArgumentException(
          "train block " + train + " is empty or beyond the " + values.length + " rows");
    }
    int m = values[0].length;
    double[] sum = new double[m];
    for (int t = train.start(); t < train.end(); t++) {
      for (int j = 0; j < m; j++) {
        sum[j] += values[t][j];
      }
    }
    float[] mean = new float[m];
    float[] std = new float[m];
    for (int j = 0; j < m; j++) {
      double mu = sum[j] / train.size();
      // Two passes: the one-pass E[x^2] - mu^2 loses every digit on columns like pressure ~1000.
      double ss = 0;
      for (int t = train.start(); t < train.end(); t++) {
        double d = values[t][j] - mu;
        ss += d * d;
      }
      double sd = Math.sqrt(ss / train.size());
      mean[j] = (float) mu;
      std[j] = sd < MIN_STD ? 1f : (float) sd;
    }
    return new Scaler(mean, std);
  }

  /** M, the number of variates. */
  public int variates() {
    return mean.length;
  }

  /** A normalised copy of {@code values} // (T, M). */
  public float[][] transform(float[][] values) {
    return map(values, false);
  }

  /** The raw-scale copy of normalised {@code values} // (T, M). */
  public float[][] inverse(float[][] values) {
    return map(values, true);
  }

  /** Normalises an array whose last axis is the variate axis // (..., M). */
  public NDArray transform(NDArray x) {
    requireLastAxis(x);
    return x.sub(x.getManager().create(mean)).div(x.getManager().create(std));
  }

  /** Brings model output on the normalised scale back to raw units // (..., M). */
  public NDArray inverse(NDArray z) {
    requireLastAxis(z);
    return z.mul(z.getManager().create(std)).add(z.getManager().create(mean));
  }

  private float[][] map(float[][] values, boolean inverse) {
    float[][] out = new float[values.length][];
    for (int t = 0; t < values.length; t++) {
      float[] row = values[t];
      if (row.length != mean.length) {
        throw new IllegalArgumentException(
            "row " + t + " has " + row.length + " values, the scaler has " + mean.length
                + " variates");
      }
      float[] o = new float[row.length];
      for (int j = 0; j < row.length; j++) {
        o[j] = inverse ? row[j] * std[j] + mean[j] : (row[j] - mean[j]) / std[j];
      }
      out[t] = o;
    }
    return out;
  }

  private void requireLastAxis(NDArray x) {
    long last = x.getShape().dimension() == 0 ? -1 : x.getShape().tail();
    if (last != mean.length) {
      throw new IllegalArgumentException(
          "array of shape " + x.getShape() + " must end with the variate axis M = " + mean.length);
    }
  }
}
