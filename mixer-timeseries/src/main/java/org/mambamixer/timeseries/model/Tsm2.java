package org.mambamixer.timeseries.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.mambamixer.api.block.MambaMixerBackbone;
import org.mambamixer.api.block.MixerChoice;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.api.util.Tensors;

/**
 * TSM2, the Time Series MambaMixer (spec §6, D4, D10).
 *
 * <pre>
 *   x (B, T, M) -> RevIN -> [x ; Z_proj ; S_proj] along time        (B, T', M)
 *     -> per-variate patches + linear embedding -> dropout           (B, M, Np, D)
 *     -> L MambaMixer layers: time mixer over patches (axis 2; causal selective by default),
 *        variate mixer across variates (axis 1; bidirectional selective), skip aggregation
 *        (learned weighted averaging), each variant by its registered name
 *     -> 2D LayerNorm over (patches, features)
 *     -> temporal projection head                                    (B, H, M)
 *     -> RevIN inverse
 * </pre>
 *
 * Forward inputs: {@code x}, then the future covariates {@code Z (B, M, T_Z, C_Z)} and the static
 * features {@code S (B, M, C_S)} when the config enables them.
 */
public final class Tsm2 extends AbstractBlock implements ForecastModel {
  private final Tsm2Config config;
  private final RevIn revin;
  private final AuxiliaryInputs aux;
  private final PatchEmbedding embed;
  private final Dropout dropout;
  private final MambaMixerBackbone backbone;
  private final Norm2d norm;
  private final TemporalHead head;

  public Tsm2(Tsm2Config config, Variants variants, SelectiveScan scan) {
    this.config = config;
    revin = config.revin() ? addChildBlock("revin", new RevIn(config.variates())) : null;
    boolean hasAux = config.exogenous().hasFuture() || config.exogenous().hasStatic();
    aux = hasAux ? addChildBlock("aux", new AuxiliaryInputs(config, scan)) : null;
    embed = addChildBlock("patch", new PatchEmbedding(config.inputLength(), config.patchLen(),
        config.stride(), config.padEnd(), config.dModel()));
    dropout = addChildBlock("dropout", Dropout.builder().optRate(config.dropout()).build());
    backbone = addChildBlock("backbone", variants.backbone(config.backbone(), scan));
    norm = addChildBlock("norm2d", new Norm2d(config.patches(), config.dModel()));
    head = addChildBlock("head", new TemporalHead(config.horizon(), config.dropout()));
  }

  public Tsm2Config config() {
    return config;
  }

  public MambaMixerBackbone backbone() {
    return backbone;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.get(0);
    long b = x.getShape().get(0);
    Tensors.requireShape("x", x, "(B, T, M)", -1, config.lookback(), config.variates());
    NDArray mean = null;
    NDArray std = null;
    if (revin != null) {
      NDList r = revin.forward(ps, new NDList(x), training);
      x = r.get(0);
      mean = r.get(1);
      std = r.get(2);
    }
    if (aux != null) {
      NDList auxIn = checkAux(inputs, b);
      NDList parts = new NDList(x);
      parts.addAll(aux.forward(ps, auxIn, training));
      x = NDArrays.concat(parts, 1); // (B, T', M)
    }
    NDArray h = embed.forward(ps, new NDList(x), training).singletonOrThrow(); // (B, M, Np, D)
    h = dropout.forward(ps, new NDList(h), training).singletonOrThrow();
    h = backbone.forward(ps, new NDList(h), training).singletonOrThrow();
    h = norm.forward(ps, new NDList(h), training).singletonOrThrow();
    NDArray y = head.forward(ps, new NDList(h), training).singletonOrThrow(); // (B, H, M)
    if (revin != null) {
      y = revin.denormalize(ps, y, mean, std, training);
    }
    return new NDList(y);
  }

  private NDList checkAux(NDList inputs, long b) {
    Tsm2Config.Exogenous ex = config.exogenous();
    int expected = 1 + (ex.hasFuture() ? 1 : 0) + (ex.hasStatic() ? 1 : 0);
    if (inputs.size() != expected) {
      throw new IllegalArgumentException("TSM2 with exogenous inputs expects " + expected
          + " inputs (x, then future covariates, then static features), got " + inputs.size());
    }
    int i = 1;
    if (ex.hasFuture()) {
      Tensors.requireShape("future covariates Z", inputs.get(i++), "(B, M, T_Z, C_Z)", b,
          config.variates(), ex.futureSteps(), ex.futureFeatures());
    }
    if (ex.hasStatic()) {
      Tensors.requireShape("static features S", inputs.get(i), "(B, M, C_S)", b,
          config.variates(), ex.staticFeatures());
    }
    return new NDList(inputs.subList(1, inputs.size()));
  }

  @Override
  public Shape[] inputShapes(long b) {
    Tsm2Config.Exogenous ex = config.exogenous();
    java.util.List<Shape> shapes = new java.util.ArrayList<>();
    shapes.add(new Shape(b, config.lookback(), config.variates()));
    if (ex.hasFuture()) {
      shapes.add(new Shape(b, config.variates(), ex.futureSteps(), ex.futureFeatures()));
    }
    if (ex.hasStatic()) {
      shapes.add(new Shape(b, config.variates(), ex.staticFeatures()));
    }
    return shapes.toArray(Shape[]::new);
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape x = inputShapes[0];
    long b = x.get(0);
    if (revin != null) {
      revin.initialize(manager, dataType, x);
    }
    if (aux != null) {
      Shape[] auxShapes = java.util.Arrays.copyOfRange(inputShapes, 1, inputShapes.length);
      aux.initialize(manager, dataType, auxShapes);
    }
    Shape series = new Shape(b, config.inputLength(), config.variates());
    embed.initialize(manager, dataType, series);
    Shape tokens = new Shape(b, config.variates(), config.patches(), config.dModel());
    dropout.initialize(manager, dataType, tokens);
    backbone.initialize(manager, dataType, tokens);
    norm.initialize(manager, dataType, tokens);
    head.initialize(manager, dataType, tokens);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), config.horizon(), config.variates())};
  }

  /** {@code tsm2}: the paper's model, with whatever variants the config names. */
  public static final class Factory implements ForecastModel.Factory {
    @Override
    public MixerChoice variants() {
      return MixerChoice.DEFAULT;
    }

    @Override
    public ForecastModel create(Tsm2Config config, Variants variants, SelectiveScan scan) {
      return new Tsm2(config, variants, scan);
    }

    @Override
    public String description() {
      return "TSM2: RevIN, patches, MambaMixer layers (time x variates), 2D norm, linear head";
    }
  }
}
