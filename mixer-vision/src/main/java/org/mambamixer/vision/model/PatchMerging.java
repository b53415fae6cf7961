package org.mambamixer.vision.model;

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
import org.mambamixer.api.block.FeatureLayerNorm;
import org.mambamixer.api.ssm.Init;

/**
 * Downsampling between stages as in Swin and VMamba v1: each 2 x 2 block of tokens is
 * concatenated along channels, normalised and projected.
 *
 * <pre>
 *   x (B, H, W, C) -> (B, H/2, W/2, 4C), block order (0,0) (1,0) (0,1) (1,1) as Swin
 *     -> LayerNorm(4C) -> Linear 4C -> C' (no bias)                   (B, H/2, W/2, C')
 * </pre>
 */
public final class PatchMerging extends AbstractBlock {
  private final int in;
  private final int out;
  private final FeatureLayerNorm norm;
  private final Linear proj;

  public PatchMerging(int in, int out) {
    this.in = in;
    this.out = out;
    norm = addChildBlock("norm", new FeatureLayerNorm(4 * in, 1e-5f));
    proj = addChildBlock("proj", Linear.builder().setUnits(out).optBias(false).build());
    proj.setInitializer(Init.FAN_IN_UNIFORM, Parameter.Type.WEIGHT);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    Shape s = x.getShape();
    long b = s.get(0);
    long h = s.get(1);
    long w = s.get(2);
    if (s.dimension() != 4 || s.get(3) != in || h % 2 != 0 || w % 2 != 0) {
      throw new IllegalArgumentException(
          "patch merging takes (B, H, W, C = " + in + ") with even H and W, got " + s);
    }
    NDArray merged = x.reshape(b, h / 2, 2, w / 2, 2, in) // (B, i, dh, j, dw, C)
        .transpose(0, 1, 3, 4, 2, 5) // (B, i, j, dw, dh, C)
        .reshape(b, h / 2, w / 2, 4L * in); // (B, H/2, W/2, 4C)
    NDArray n = norm.forward(ps, new NDList(merged), training).singletonOrThrow();
    return proj.forward(ps, new NDList(n), training);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape x = inputShapes[0];
    return new Shape[] {new Shape(x.get(0), x.get(1) / 2, x.get(2) / 2, out)};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape x = inputShapes[0];
    Shape merged = new Shape(x.get(0), x.get(1) / 2, x.get(2) / 2, 4L * in);
    norm.initialize(manager, dataType, merged);
    proj.initialize(manager, dataType, merged);
  }
}
