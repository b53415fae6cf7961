package org.mambamixer.timeseries.model;

import static org.mambamixer.api.util.OpTimer.Family.LINEAR;
import static org.mambamixer.api.util.OpTimer.Family.RESHAPE;
import static org.mambamixer.api.util.OpTimer.time;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
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
 * </pre>
 *
 * Patching is one matmul with a constant 0/1 selection matrix (T, Np * P): a single op whose
 * backward is another matmul, where cutting Np slices would make Np full-size slice gradients.
 */
public final class PatchEmbedding extends AbstractBlock {
  private final int length;
  private final int patchLen;
  private final int stride;
  private final int patches;
  private final Linear embed;
  private NDArray selection; // (T, Np * P), built at initialisation in the model's dtype

  public PatchEmbedding(int length, int patchLen, int stride, int dModel) {
    this.length = length;
    this.patchLen = patchLen;
    this.stride = stride;
    this.patches = (length - patchLen) / stride + 1;
    embed = addChildBlock("embed", Linear.builder().setUnits(dModel).optBias(true).build());
    embed.setInitializer(Init.FAN_IN_UNIFORM, Parameter.Type.WEIGHT);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow(); // (B, T, M)
    long b = x.getShape().get(0);
    long m = x.getShape().get(2);
    NDArray p = time(RESHAPE, () -> x.transpose(0, 2, 1).matMul(selection) // (B, M, Np * P)
        .reshape(b, m, patches, patchLen));
    return time(LINEAR, () -> embed.forward(ps, new NDList(p), training)); // (B, M, Np, D)
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    float[] sel = new float[length * patches * patchLen];
    for (int j = 0; j < patches; j++) {
      for (int k = 0; k < patchLen; k++) {
        sel[(j * stride + k) * patches * patchLen + j * patchLen + k] = 1f;
      }
    }
    selection = manager.create(sel, new Shape(length, (long) patches * patchLen))
        .toType(dataType, false);
    Shape x = inputShapes[0];
    embed.initialize(manager, dataType, new Shape(x.get(0), x.get(2), patches, patchLen));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape x = inputShapes[0];
    return embed.getOutputShapes(new Shape[] {new Shape(x.get(0), x.get(2), patches, patchLen)});
  }
}
