package org.mambamixer.timeseries.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.mambamixer.api.ssm.Init;

/**
 * Per-variate patching and a linear patch embedding (D10): each variate's series is cut into
 * overlapping patches (length P, stride S) and each patch is embedded to D features.
 *
 * <pre>
 *   x (B, T, M) -> (B, M, T) -> patches (B, M, Np, P) -> Linear(P -> D) -> (B, M, Np, D)
 *   Np = floor((T - P) / S) + 1, plus 1 with end padding
 * </pre>
 *
 * Without padding the last (T - P) mod S steps, the most recent ones, fall in no patch. End
 * padding is PatchTST's: the series is extended by S copies of its last value before it is cut,
 * so one more patch covers the end and every observation is seen.
 *
 * <p>Patching is one gather along time with a constant index of Np * P positions: a single op
 * whose backward is one scatter-add, where cutting Np slices would make Np full-size slice
 * gradients. Padding costs nothing: a padded position reads T - 1, the last value. (It was a
 * matmul with a 0/1 selection matrix (T, Np * P) until 2026-12-07: T multiply-adds per patched
 * value, 20-30 ms each way in a TSM2 training step at T = 512; the gather and its scatter-add took
 * 3 and 11 ms in one profiled step on a loaded machine.)
 */
public final class PatchEmbedding extends AbstractBlock {
  private final int length;
  private final int patchLen;
  private final int stride;
  private final int patches;
  private final Linear embed;
  private NDArray positions; // (Np * P): the time step each patch value reads

  /**
   * @param length T, the length of the patched series
   * @param padEnd extend the series by {@code stride} copies of its last value before cutting
   */
  public PatchEmbedding(int length, int patchLen, int stride, boolean padEnd, int dModel) {
    this.length = length;
    this.patchLen = patchLen;
    this.stride = stride;
    this.patches = count(length, patchLen, stride, padEnd);
    embed = addChildBlock("embed", Linear.builder().setUnits(dModel).optBias(true).build());
    embed.setInitializer(Init.FAN_IN_UNIFORM, Parameter.Type.WEIGHT);
  }

  /** Np: the number of patches of a series of {@code length} steps. */
  public static int count(int length, int patchLen, int stride, boolean padEnd) {
    return (length - patchLen) / stride + 1 + (padEnd ? 1 : 0);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow(); // (B, T, M)
    long b = x.getShape().get(0);
    long m = x.getShape().get(2);
    NDArray p = x.transpose(0, 2, 1).get(new NDIndex(":, :, {}", positions))
        .reshape(b, m, patches, patchLen); // (B, M, Np * P) -> (B, M, Np, P)
    return embed.forward(ps, new NDList(p), training); // (B, M, Np, D)
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    long[] pos = new long[patches * patchLen];
    for (int j = 0; j < patches; j++) {
      for (int k = 0; k < patchLen; k++) {
        // past the end: the replicated last value
        pos[j * patchLen + k] = Math.min(j * stride + k, length - 1);
      }
    }
    positions = manager.create(pos);
    Shape x = inputShapes[0];
    embed.initialize(manager, dataType, new Shape(x.get(0), x.get(2), patches, patchLen));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape x = inputShapes[0];
    return embed.getOutputShapes(new Shape[] {new Shape(x.get(0), x.get(2), patches, patchLen)});
  }
}
