package org.mambamixer.sequence.model;

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
import org.mambamixer.api.block.MambaMixerBackbone;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.api.ssm.Init;

/**
 * Sequence classification with a MambaMixer backbone:
 *
 * <pre>
 *   x (B, L, P) -> embed: Linear(P -> D) per token          (B, L, D)
 *   -> as (B, 1, L, D): one channel, L tokens               the backbone's (B, C, L, D)
 *   -> MambaMixer layers (token mixer over L, channel mixer over the size-1 channel axis)
 *   -> LayerNorm -> mean over the L tokens                  (B, D)
 *   -> head: Linear(D -> K)                                 (B, K) logits
 * </pre>
 *
 * Mean pooling (not the last token) because its recurrent form is a running sum: the streamed
 * logits after t steps are the logits of the first t tokens, and no token is favoured.
 */
public final class SequenceClassifier extends AbstractBlock {
  private final SequenceConfig config;
  private final Linear embed;
  private final MambaMixerBackbone backbone;
  private final FeatureLayerNorm norm;
  private final Linear head;

  public SequenceClassifier(SequenceConfig config, Variants variants, SelectiveScan scan) {
    this.config = config;
    embed = addChildBlock("embed", Linear.builder().setUnits(config.dModel()).build());
    embed.setInitializer(Init.FAN_IN_UNIFORM, Parameter.Type.WEIGHT);
    backbone = addChildBlock("backbone", variants.backbone(config.backbone(), scan));
    norm = addChildBlock("norm", new FeatureLayerNorm(config.dModel(), 1e-5f));
    head = addChildBlock("head", Linear.builder().setUnits(config.classes()).build());
    head.setInitializer(Init.FAN_IN_UNIFORM, Parameter.Type.WEIGHT);
  }

  public SequenceConfig config() {
    return config;
  }

  /** The shape of a batch of {@code batch} sequences: (B, L, P). */
  public Shape inputShape(int batch) {
    return new Shape(batch, config.length(), config.perToken());
  }

  public Linear embed() {
    return embed;
  }

  public MambaMixerBackbone backbone() {
    return backbone;
  }

  public FeatureLayerNorm norm() {
    return norm;
  }

  public Linear head() {
    return head;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow(); // (B, L, P)
    Shape s = x.getShape();
    if (s.dimension() != 3 || s.get(2) != config.perToken()) {
      throw new IllegalArgumentException("input must be (B, L, " + config.perToken()
          + "), got " + s);
    }
    NDArray e = embed.forward(ps, new NDList(x), training).singletonOrThrow(); // (B, L, D)
    NDArray y = backbone.forward(ps, new NDList(e.expandDims(1)), training)
        .singletonOrThrow(); // (B, 1, L, D)
    NDArray pooled = norm.forward(ps, new NDList(y), training).singletonOrThrow()
        .reshape(s.get(0), s.get(1), config.dModel()).mean(new int[] {1}); // (B, D)
    return head.forward(ps, new NDList(pooled), training); // (B, K)
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), config.classes())};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape x = inputShapes[0]; // (B, L, P)
    embed.initialize(manager, dataType, x);
    Shape tokens = new Shape(x.get(0), 1, x.get(1), config.dModel());
    backbone.initialize(manager, dataType, tokens);
    norm.initialize(manager, dataType, tokens);
    head.initialize(manager, dataType, new Shape(x.get(0), config.dModel()));
  }
}
