package org.mambamixer.api.ssm;

import static org.mambamixer.api.util.Tensors.requirePositive;

/**
 * Sizes and initialisation ranges of one selective SSM (spec D1, D2, §1.3).
 *
 * @param dModel width of the mixer's input and output
 * @param expand E: d_inner = E * d_model
 * @param dState N, the state size per channel
 * @param dConv kernel width of the depthwise causal conv; 0 disables the conv (ablation)
 * @param dtRank R, the rank of the delta projection
 * @param dtMin lower end of the log-uniform initial step size
 * @param dtMax upper end of the log-uniform initial step size
 * @param dtInitFloor smallest initial step size after sampling
 */
public record S6Config(
    int dModel, int expand, int dState, int dConv, int dtRank, float dtMin, float dtMax,
    float dtInitFloor) {

  public S6Config {
    requirePositive("dModel", dModel);
    requirePositive("expand", expand);
    requirePositive("dState", dState);
    requirePositive("dtRank", dtRank);
    if (dConv < 0) {
      throw new IllegalArgumentException("dConv must be >= 0 (0 disables the conv), got " + dConv);
    }
    if (!(dtMin > 0 && dtMin < dtMax)) {
      throw new IllegalArgumentException(
          "dtMin and dtMax must satisfy 0 < dtMin < dtMax, got " + dtMin + ", " + dtMax);
    }
    if (!(dtInitFloor > 0)) {
      throw new IllegalArgumentException("dtInitFloor must be positive, got " + dtInitFloor);
    }
  }

  /** Mamba's defaults: E = 2, N = 16, conv 4, R = ceil(d_model / 16), dt in [1e-3, 1e-1]. */
  public static S6Config mamba(int dModel) {
    requirePositive("dModel", dModel);
    return new S6Config(dModel, 2, 16, 4, (dModel + 15) / 16, 1e-3f, 1e-1f, 1e-4f);
  }

  public int dInner() {
    return expand * dModel;
  }

  public S6Config withDState(int n) {
    return new S6Config(dModel, expand, n, dConv, dtRank, dtMin, dtMax, dtInitFloor);
  }

  public S6Config withExpand(int e) {
    return new S6Config(dModel, e, dState, dConv, dtRank, dtMin, dtMax, dtInitFloor);
  }

  public S6Config withDConv(int k) {
    return new S6Config(dModel, expand, dState, k, dtRank, dtMin, dtMax, dtInitFloor);
  }
}
