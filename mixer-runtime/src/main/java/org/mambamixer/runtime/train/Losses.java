package org.mambamixer.runtime.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** Training losses every classifying modality shares, so their runs stay comparable. */
public final class Losses {
  private Losses() {}

  /**
   * Smoothed cross-entropy: the target puts 1 - eps on the label and eps / K on every class.
   *
   * @param logits (B, K)
   * @param labels (B) class indices
   */
  public static NDArray smoothedCrossEntropy(NDArray logits, NDArray labels, float eps) {
    long k = logits.getShape().get(1);
    NDArray logp = logits.logSoftmax(1); // (B, K)
    NDArray target = labels.toType(DataType.INT32, false).oneHot((int) k)
        .toType(logp.getDataType(), false).mul(1 - eps).add(eps / k); // (B, K)
    return logp.mul(target).sum(new int[] {1}).mean().neg();
  }

  /** Mean squared error of {@code prediction} against {@code target} (same shape), a scalar. */
  public static NDArray mse(NDArray prediction, NDArray target) {
    return prediction.sub(target).square().mean();
  }
}
