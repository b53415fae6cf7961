package org.mambamixer.vision.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.mambamixer.api.block.FeatureLayerNorm;
import org.mambamixer.api.block.Norm;
import org.mambamixer.api.mixer.ChannelMixer;
import org.mambamixer.api.mixer.MixerSpec;
import org.mambamixer.api.mixer.TokenMixer;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.api.skip.SkipAggregation;
import org.mambamixer.api.skip.WeightedAverage;

/**
 * The hierarchical ViM2 backbone (spec §5): stem, stages with weighted averaging inside each,
 * patch merging between them. Returns every stage's feature map so classification and dense
 * prediction heads attach to the same block.
 *
 * <pre>
 *   image (B, Cin, H, W)
 *   -> stem -> stage 1 -> f1 (B, H/p,    W/p,    C1)      stride p (4 in the ImageNet presets)
 *   -> merge -> stage 2 -> f2 (B, H/2p,   W/2p,   C2)      stride 2p
 *   -> ...                f_S                             stride p * 2^(S-1)
 * </pre>
 *
 * Any H and W divisible by the total stride work: no parameter depends on the token count.
 */
public final class Vim2Backbone extends AbstractBlock {
  private final Vim2Config config;
  private final PatchStem stem;
  private final List<Vim2Stage> stages = new ArrayList<>();
  private final List<PatchMerging> merges = new ArrayList<>();

  /** ViM2 with the paper's learned weighted averaging (D8). */
  public Vim2Backbone(Vim2Config config, SelectiveScan scan) {
    this(config, scan, new WeightedAverage.Factory());
  }

  /** ViM2 with another skip aggregation (the D8 ablations). */
  public Vim2Backbone(Vim2Config config, SelectiveScan scan, SkipAggregation.Factory skips) {
    this(config, new CrossScanTokenMixer.Factory(config.routes()),
        new LiftedChannelMixer.Factory(config.channelFeature(), config.channelState()), skips,
        new LayerNormFactory(), scan);
  }

  /**
   * ViM2 with its mixers, skips and norms from factories, e.g. the registered variants a run
   * names. Every mixer of stage s gets {@link Vim2Config#mixerSpec} at the stage's width.
   */
  public Vim2Backbone(Vim2Config config, TokenMixer.Factory tokens,
      ChannelMixer.Factory channels, SkipAggregation.Factory skips, Norm.Factory norms,
      SelectiveScan scan) {
    this.config = config;
    stem = addChildBlock("stem", new PatchStem(config.patch(), config.widths().get(0)));
    int tokenBase = 0; // factories see 1-based indices over the whole backbone
    int channelBase = 0;
    for (int s = 0; s < config.stages(); s++) {
      int c = config.widths().get(s);
      if (s > 0) {
        merges.add(addChildBlock("merge_" + s, new PatchMerging(config.widths().get(s - 1), c)));
      }
      MixerSpec spec = config.mixerSpec(c);
      int t0 = tokenBase;
      int c0 = channelBase;
      stages.add(addChildBlock("stage_" + (s + 1), new Vim2Stage(c, config.channelDepths().get(s),
          config.tokensPerLayer(s), i -> tokens.create(spec, t0 + i, scan),
          l -> channels.create(spec, c0 + l, scan), skips, norms, scan)));
      tokenBase += config.depths().get(s);
      channelBase += config.channelDepths().get(s);
    }
  }

  /** The D9 default pre-norm, LayerNorm over C, for models built without the registry. */
  private static final class LayerNormFactory implements Norm.Factory {
    @Override
    public Block create(int features) {
      return new FeatureLayerNorm(features, 1e-5f);
    }

    @Override
    public String description() {
      return "LayerNorm over the feature axis";
    }
  }

  public Vim2Config config() {
    return config;
  }

  public List<Vim2Stage> stages() {
    return stages;
  }

  /** The stage feature maps f_1..f_S, channels last. */
  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray image = inputs.singletonOrThrow();
    Shape s = image.getShape();
    if (s.dimension() != 4 || s.get(1) != config.inChannels()) {
      throw new IllegalArgumentException(config.name() + " takes images (B, " + config.inChannels()
          + ", H, W), got " + s);
    }
    config.requireResolution(s.get(2), s.get(3));
    NDList features = new NDList();
    NDArray x = stem.forward(ps, new NDList(image), training).singletonOrThrow();
    for (int i = 0; i < stages.size(); i++) {
      if (i > 0) {
        x = merges.get(i - 1).forward(ps, new NDList(x), training).singletonOrThrow();
      }
      x = stages.get(i).forward(ps, new NDList(x), training).singletonOrThrow();
      features.add(x);
    }
    return features;
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape x = inputShapes[0];
    Shape[] out = new Shape[config.stages()];
    for (int i = 0; i < out.length; i++) {
      out[i] = new Shape(x.get(0), x.get(2) / (config.patch() << i),
          x.get(3) / (config.patch() << i), config.widths().get(i));
    }
    return out;
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape x = inputShapes[0];
    config.requireResolution(x.get(2), x.get(3));
    stem.initialize(manager, dataType, x);
    Shape[] maps = getOutputShapes(inputShapes);
    for (int i = 0; i < stages.size(); i++) {
      if (i > 0) {
        merges.get(i - 1).initialize(manager, dataType, maps[i - 1]);
      }
      stages.get(i).initialize(manager, dataType, maps[i]);
    }
  }
}
