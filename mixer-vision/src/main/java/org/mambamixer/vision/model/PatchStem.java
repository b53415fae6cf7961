package org.mambamixer.vision.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.mambamixer.api.block.FeatureLayerNorm;
import org.mambamixer.api.ssm.Init;

/**
 * Patch embedding (Table 8's stem, as VMamba v1): a p x p convolution with stride p, then
 * LayerNorm over channels. Keeps the image 2-D, channels last.
 *
 * <pre>
 *   image (B, Cin, H, W) -> conv -> (B, C, H/p, W/p) -> (B, H/p, W/p, C) -> LayerNorm
 * </pre>
 */
public final class PatchStem extends AbstractBlock {
  private final int patch;
  private final int width;
  private final Conv2d conv;
  private final FeatureLayerNorm norm;

  public PatchStem(int patch, int width) {
    this.patch = patch;
    this.width = width;
    conv = addChildBlock("conv", Conv2d.builder().setKernelShape(new Shape(patch, patch))
        .optStride(new Shape(patch, patch)).setFilters(width).optBias(true).build());
    conv.setInitializer(Init.FAN_IN_UNIFORM, Parameter.Type.WEIGHT);
    norm = addChildBlock("norm", new FeatureLayerNorm(width, 1e-5f));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow(); // (B, Cin, H, W)
    NDArray y = conv.forward(ps, new NDList(x), training).singletonOrThrow()
        .transpose(0, 2, 3, 1); // (B, H/p, W/p, C)
    return norm.forward(ps, new NDList(y), training);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape x = inputShapes[0];
    return new Shape[] {new Shape(x.get(0), x.get(2) / patch, x.get(3) / patch, width)};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    conv.initialize(manager, dataType, inputShapes);
    norm.initialize(manager, dataType, getOutputShapes(inputShapes));
  }
}
