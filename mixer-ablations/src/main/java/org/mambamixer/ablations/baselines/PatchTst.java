package org.mambamixer.ablations.baselines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.UniformInitializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.mambamixer.api.block.HashDropout;
import org.mambamixer.api.block.MixerChoice;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.api.util.Tensors;
import org.mambamixer.timeseries.model.ForecastModel;
import org.mambamixer.timeseries.model.ForecastRecipe;
import org.mambamixer.timeseries.model.PatchEmbedding;
import org.mambamixer.timeseries.model.RevIn;
import org.mambamixer.timeseries.model.TemporalHead;
import org.mambamixer.timeseries.model.Tsm2Config;
import org.mambamixer.timeseries.train.TrainConfig;

/**
 * PatchTST (Nie et al. 2023, "A Time Series is Worth 64 Words"), supervised, channel-independent:
 * every variate is forecast from its own patches by one shared Transformer encoder.
 *
 * <pre>
 *   x (B, L, M) -> RevIN -> per-variate patches, end padded, Linear(P -> D)   (B, M, N, D)
 *     -> + learned positions W_pos (N, D) -> dropout -> (B * M, N, D)
 *     -> {@link PatchTstLayer} x layers (residual attention, BatchNorm)        (B * M, N, D)
 *     -> flatten N * D -> Linear -> (B, H, M) -> RevIN inverse
 * </pre>
 *
 * Its config reuses TSM2's fields (d_model, layers, dropout, patch and stride); the heads and the
 * feed-forward width are the ETTh1 script's ratios: {@value #HEADS} heads and {@value #FF_RATIO} x
 * d_model (16 -> 128). The head has no dropout (the script's {@code head_dropout 0}).
 */
public final class PatchTst extends AbstractBlock implements ForecastModel {
  static final int HEADS = 4;
  static final int FF_RATIO = 8;

  private final Tsm2Config config;
  private final RevIn revin;
  private final PatchEmbedding embed;
  private final Parameter positions; // (N, D)
  private final HashDropout dropout;
  private final List<PatchTstLayer> layers = new ArrayList<>();
  private final TemporalHead head;

  public PatchTst(Tsm2Config config) {
    this.config = config;
    revin = config.revin() ? addChildBlock("revin", new RevIn(config.variates())) : null;
    embed = addChildBlock("patch", new PatchEmbedding(config.lookback(), config.patchLen(),
        config.stride(), config.padEnd(), config.dModel()));
    positions = addParameter(Parameter.builder().setName("positions")
        .setType(Parameter.Type.WEIGHT).optShape(new Shape(config.patches(), config.dModel()))
        .optInitializer(new UniformInitializer(0.02f)).build());
    dropout = addChildBlock("dropout", new HashDropout(config.dropout()));
    for (int i = 0; i < config.layers(); i++) {
      layers.add(addChildBlock("layer" + i, new PatchTstLayer(config.dModel(), HEADS,
          FF_RATIO * config.dModel(), config.dropout())));
    }
    head = addChildBlock("head", new TemporalHead(config.horizon(), 0f));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.get(0);
    Tensors.requireShape("x", x, "(B, T, M)", -1, config.lookback(), config.variates());
    NDList r = revin != null ? revin.forward(ps, new NDList(x), training) : null;
    if (r != null) {
      x = r.get(0);
    }
    NDArray z = embed.forward(ps, new NDList(x), training).singletonOrThrow(); // (B, M, N, D)
    Shape s = z.getShape();
    z = z.add(ps.getValue(positions, z.getDevice(), training));
    z = dropout.forward(ps, new NDList(z), training).singletonOrThrow()
        .reshape(s.get(0) * s.get(1), s.get(2), s.get(3)); // (B * M, N, D)
    NDList h = new NDList(z);
    for (PatchTstLayer layer : layers) {
      h = layer.forward(ps, h, training); // [tokens, scores for the next layer]
    }
    NDArray y = head.forward(ps, new NDList(h.get(0).reshape(s)), training).singletonOrThrow();
    return new NDList(r != null ? revin.denormalize(ps, y, r.get(1), r.get(2), training) : y);
  }

  @Override
  public Shape[] inputShapes(long b) {
    return new Shape[] {new Shape(b, config.lookback(), config.variates())};
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), config.horizon(), config.variates())};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape x = inputShapes[0];
    if (revin != null) {
      revin.initialize(manager, dataType, x);
    }
    embed.initialize(manager, dataType, x);
    Shape z = embed.getOutputShapes(new Shape[] {x})[0]; // (B, M, N, D)
    dropout.initialize(manager, dataType, z);
    Shape tokens = new Shape(z.get(0) * z.get(1), z.get(2), z.get(3));
    for (PatchTstLayer layer : layers) {
      layer.initialize(manager, dataType, tokens);
    }
    head.initialize(manager, dataType, z);
  }

  /** {@code patchtst} in the forecast-model registry, with PatchTST/42's ETTh1 recipe. */
  public static final class Factory implements ForecastModel.Factory {
    /**
     * PatchTST/42's ETTh1 settings (the authors' {@code PatchTST_supervised} ETTh1 script):
     * lookback 336, patch 16 / stride 8 with the end padded, d_model 16, 3 layers, 4 heads,
     * feed-forward 128, dropout 0.3, no head dropout, Adam at 1e-4, batch 128, 100 epochs,
     * patience 100, and the script's default {@code lradj type3}: four epochs at the peak, then
     * x 0.9 per epoch. ETTh2's script is the same; the 15-minute and weather scripts train a
     * wider model (d_model 128, 16 heads, feed-forward 256, dropout 0.2) with a one-cycle
     * schedule and patience 20, which this recipe does not follow.
     */
    static final ForecastRecipe RECIPE = new ForecastRecipe(336,
        c -> c.withModel(16, 3).withDropout(0.3f).withPatch(16, 8).withPadEnd(true)
            .withRevin(true),
        new TrainConfig(100, 128, 256, 1e-4f, 0f, 0, 0f, 100, 0, 2021).withLrDecay("type3"));

    @Override
    public MixerChoice variants() {
      return MixerChoice.DEFAULT; // unused: PatchTST's encoder is its own, not mixer plugins
    }

    @Override
    public ForecastModel create(Tsm2Config config, Variants variants, SelectiveScan scan) {
      return new PatchTst(config);
    }

    @Override
    public String description() {
      return "PatchTST (Nie et al. 2023): RevIN, channel-independent patches, Transformer"
          + " encoder with BatchNorm, flatten head";
    }

    /** The ETTh recipe on every dataset: see {@link #RECIPE} for what that leaves out. */
    @Override
    public Optional<ForecastRecipe> recipe(String dataset) {
      return Optional.of(RECIPE);
    }
  }
}
