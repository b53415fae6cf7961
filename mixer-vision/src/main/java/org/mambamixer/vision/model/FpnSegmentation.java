package org.mambamixer.vision.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.mambamixer.api.block.FeatureLayerNorm;

/**
 * An example dense-prediction model: the ViM2 backbone's stage maps joined by an FPN-style top-down
 * path (Lin et al. 2017), predicting a class per pixel.
 *
 * <pre>
 *   f_s (B, H_s, W_s, C_s) -> lateral Linear C_s -> F                      for every stage s
 *   p_S = lat_S;  p_s = lat_s + upsample2(p_{s+1})   (nearest)
 *   p_1 -> LayerNorm -> GELU -> Linear F -> K -> upsample to the image     (B, K, H, W) logits
 * </pre>
 */
public final class FpnSegmentation extends AbstractBlock {
  private final Vim2Backbone backbone;
  private final int fpnWidth;
  private final int classes;
  private final List<Linear> laterals = new ArrayList<>();
  private final FeatureLayerNorm norm;
  private final Linear classifier;

  public FpnSegmentation(Vim2Backbone backbone, int fpnWidth, int classes) {
    this.backbone = addChildBlock("backbone", backbone);
    this.fpnWidth = fpnWidth;
    this.classes = classes;
    for (int s = 0; s < backbone.config().stages(); s++) {
      laterals.add(addChildBlock("lateral_" + (s + 1),
          Linear.builder().setUnits(fpnWidth).build()));
    }
    norm = addChildBlock("norm", new FeatureLayerNorm(fpnWidth, 1e-5f));
    classifier = addChildBlock("classifier", Linear.builder().setUnits(classes).build());
  }

  public Vim2Backbone backbone() {
    return backbone;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray image = inputs.singletonOrThrow();
    NDList maps = backbone.forward(ps, inputs, training);
    NDArray p = null; // (B, H_s, W_s, F)
    for (int s = maps.size() - 1; s >= 0; s--) {
      NDArray lat = laterals.get(s).forward(ps, new NDList(maps.get(s)), training)
          .singletonOrThrow();
      p = p == null ? lat : lat.add(upsample(p, 2));
    }
    NDArray h = norm.forward(ps, new NDList(p), training).singletonOrThrow();
    NDArray logits = classifier.forward(ps, new NDList(Activation.gelu(h)), training)
        .singletonOrThrow(); // (B, H_1, W_1, K)
    int stride = (int) (image.getShape().get(2) / logits.getShape().get(1));
    return new NDList(upsample(logits, stride).transpose(0, 3, 1, 2)); // (B, K, H, W)
  }

  /** Nearest-neighbour upsampling by an integer factor: (B, H, W, F) -> (B, kH, kW, F). */
  static NDArray upsample(NDArray x, int k) {
    if (k == 1) {
      return x;
    }
    Shape s = x.getShape();
    return x.expandDims(2).expandDims(4)
        .broadcast(new Shape(s.get(0), s.get(1), k, s.get(2), k, s.get(3)))
        .reshape(s.get(0), s.get(1) * k, s.get(2) * k, s.get(3));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape x = inputShapes[0];
    return new Shape[] {new Shape(x.get(0), classes, x.get(2), x.get(3))};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    backbone.initialize(manager, dataType, inputShapes);
    Shape[] maps = backbone.getOutputShapes(inputShapes);
    for (int s = 0; s < maps.length; s++) {
      laterals.get(s).initialize(manager, dataType, maps[s]);
    }
    Shape p1 = new Shape(maps[0].get(0), maps[0].get(1), maps[0].get(2), fpnWidth);
    norm.initialize(manager, dataType, p1);
    classifier.initialize(manager, dataType, p1);
  }
}
