package org.mambamixer.api.block;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.mambamixer.api.mixer.ChannelMixer;
import org.mambamixer.api.mixer.TokenMixer;
import org.mambamixer.api.scan.Backprop;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.api.skip.SkipAggregation;

/**
 * L MambaMixer layers joined by a {@link SkipAggregation} (spec §4):
 *
 * <pre>
 *   y_Token^(0) = y_Channel^(0) = x                                   (B, ..., D)
 *   for l = 1..L:
 *     y_Token^(l)   = x_T + TokenMixer_l(Norm(x_T)),    x_T = skip.tokenInput(l, ...)
 *     y_Channel^(l) = x_C + ChannelMixer_l(Norm(x_C)),  x_C = skip.channelInput(l, ...)
 *   output = y_Channel^(L)
 * </pre>
 *
 * The final norm and the head belong to the modality.
 */
public final class MambaMixerBackbone extends AbstractBlock {
  private final BackboneConfig config;
  private final List<ResidualSublayer> tokenLayers = new ArrayList<>();
  private final List<ResidualSublayer> channelLayers = new ArrayList<>();
  private final SkipAggregation skip;
  /** The mixers' scan backend, which decides whether the input is cut (see forwardInternal). */
  private final SelectiveScan scan;

  /**
   * Builds the layers from the given variants; {@code Variants#backbone} resolves them from the
   * names in {@code config}.
   */
  public MambaMixerBackbone(BackboneConfig config, TokenMixer.Factory tokens,
      ChannelMixer.Factory channels, SkipAggregation.Factory skips, Norm.Factory norms,
      SelectiveScan scan) {
    this.config = config;
    int d = config.dModel();
    for (int l = 1; l <= config.layers(); l++) {
      tokenLayers.add(addChildBlock("token_" + l, new ResidualSublayer(norms.create(d),
          tokens.create(config.mixers(), l, scan), config.innerResidual())));
      channelLayers.add(addChildBlock("channel_" + l, new ResidualSublayer(norms.create(d),
          channels.create(config.mixers(), l, scan), config.innerResidual())));
    }
    skip = addChildBlock("skip", skips.create(config.layers()));
    this.scan = scan;
  }

  public BackboneConfig config() {
    return config;
  }

  public SkipAggregation skip() {
    return skip;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    if (x.getShape().get(x.getShape().dimension() - 1) != config.dModel()) {
      throw new IllegalArgumentException("backbone input must have d_model = " + config.dModel()
          + " features on its last axis but has shape " + x.getShape());
    }
    // Every layer's skip aggregation reads x, so each deferred node's backward pass would walk
    // on through x's graph into the stem (in TSM2: dropout, the patch embedding, RevIN; 8 passes
    // a step). At a cut they stop, and one pass carries x's gradient on.
    x = Backprop.cutAhead(x, scan);
    List<NDArray> yToken = new ArrayList<>(List.of(x));
    List<NDArray> yChannel = new ArrayList<>(List.of(x));
    for (int l = 1; l <= config.layers(); l++) {
      NDArray xt = skip.tokenInput(ps, l, yToken, yChannel, training);
      yToken.add(tokenLayers.get(l - 1).forward(ps, new NDList(xt), training).singletonOrThrow());
      NDArray xc = skip.channelInput(ps, l, yToken, yChannel, training);
      yChannel.add(
          channelLayers.get(l - 1).forward(ps, new NDList(xc), training).singletonOrThrow());
    }
    return new NDList(yChannel.get(config.layers()));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    for (int l = 0; l < config.layers(); l++) {
      tokenLayers.get(l).initialize(manager, dataType, inputShapes);
      channelLayers.get(l).initialize(manager, dataType, inputShapes);
    }
    skip.initialize(manager, dataType, inputShapes);
  }
}
