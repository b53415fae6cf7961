package org.mambamixer.vision.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.mambamixer.api.block.FeatureLayerNorm;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.api.skip.SkipAggregation;

/**
 * The ViM2 classifier: backbone, then LayerNorm, global average pooling and a linear head
 * (spec §5; the softmax lives in the loss).
 *
 * <pre>
 *   image (B, Cin, H, W) -> backbone -> f_S (B, h, w, C_S) -> LayerNorm -> mean over (h, w)
 *     -> Linear(classes) -> logits (B, classes)
 * </pre>
 */
public final class Vim2 extends AbstractBlock {
  private final Vim2Config config;
  private final Vim2Backbone backbone;
  private final FeatureLayerNorm norm;
  private final Linear head;

  public Vim2(Vim2Config config, SelectiveScan scan) {
    this(new Vim2Backbone(config, scan));
  }

  public Vim2(Vim2Config config, SelectiveScan scan, SkipAggregation.Factory skips) {
    this(new Vim2Backbone(config, scan, skips));
  }

  /** ViM2 over a backbone built elsewhere, e.g. from the registered variants of a run. */
  public Vim2(Vim2Backbone backbone) {
    this.config = backbone.config();
    this.backbone = addChildBlock("backbone", backbone);
    int last = config.widths().get(config.stages() - 1);
    norm = addChildBlock("norm", new FeatureLayerNorm(last, 1e-5f));
    head = addChildBlock("head", Linear.builder().setUnits(config.classes()).build());
  }

  public Vim2Config config() {
    return config;
  }

  public Vim2Backbone backbone() {
    return backbone;
  }

  /** The input shape of a batch of {@code b} images at the config's resolution. */
  public Shape inputShape(long b) {
    return new Shape(b, config.inChannels(), config.imageSize(), config.imageSize());
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDList maps = backbone.forward(ps, inputs, training);
    NDArray last = maps.get(maps.size() - 1); // (B, h, w, C)
    Shape s = last.getShape();
    NDArray pooled = norm.forward(ps, new NDList(last), training).singletonOrThrow()
        .reshape(s.get(0), s.get(1) * s.get(2), s.get(3)).mean(new int[] {1}); // (B, C)
    return head.forward(ps, new NDList(pooled), training);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), config.classes())};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    backbone.initialize(manager, dataType, inputShapes);
    Shape[] maps = backbone.getOutputShapes(inputShapes);
    Shape last = maps[maps.length - 1];
    norm.initialize(manager, dataType, last);
    head.initialize(manager, dataType, new Shape(last.get(0), last.get(3)));
  }
}
