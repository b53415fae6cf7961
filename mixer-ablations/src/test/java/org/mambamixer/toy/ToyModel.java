package org.mambamixer.toy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.api.scan.SelectiveScan;

/**
 * The toy regressor: x (B, L, 1) -> embed (B, L, D) -> backbone over (B, 1, L, D) -> mean over L
 * (B, D) -> head (B, 1).
 */
public final class ToyModel extends AbstractBlock {
  private final ToyConfig config;
  private final Linear embed;
  private final Block backbone;
  private final Linear head;

  public ToyModel(ToyConfig config, Variants variants, SelectiveScan scan) {
    this.config = config;
    embed = addChildBlock("embed", Linear.builder().setUnits(config.dModel()).build());
    backbone = addChildBlock("backbone", variants.backbone(config.backbone(), scan));
    head = addChildBlock("head", Linear.builder().setUnits(1).build());
  }

  /** (B, L, 1). */
  public Shape inputShape(int batch) {
    return new Shape(batch, config.length(), 1);
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
      PairList<String, Object> params) {
    NDArray e = embed.forward(ps, inputs, training).singletonOrThrow(); // (B, L, D)
    NDArray y = backbone.forward(ps, new NDList(e.expandDims(1)), training)
        .singletonOrThrow(); // (B, 1, L, D)
    NDArray pooled = y.squeeze(1).mean(new int[] {1}); // (B, D)
    return head.forward(ps, new NDList(pooled), training); // (B, 1)
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), 1)};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType,
      Shape... inputShapes) {
    Shape x = inputShapes[0];
    embed.initialize(manager, dataType, x);
    backbone.initialize(manager, dataType, new Shape(x.get(0), 1, x.get(1), config.dModel()));
    head.initialize(manager, dataType, new Shape(x.get(0), config.dModel()));
  }
}
