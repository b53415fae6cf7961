package org.mambamixer.vision.model;

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
import java.util.function.IntFunction;
import org.mambamixer.api.block.Norm;
import org.mambamixer.api.block.ResidualSublayer;
import org.mambamixer.api.mixer.ChannelMixer;
import org.mambamixer.api.mixer.TokenMixer;
import org.mambamixer.api.scan.Backprop;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.api.skip.SkipAggregation;

/**
 * One ViM2 stage: the MambaMixer backbone of spec §4 with weighted averaging limited to the stage,
 * generalised to Table 8's 2:1 ratio of token to channel mixers.
 *
 * <pre>
 *   y_Token^(0) = y_Channel^(0) = x (the stage input after downsampling)      (B, H, W, C)
 *   for l = 1..L (L = channel mixers of the stage, k = token mixers per channel mixer):
 *     t = skip.tokenInput(l, ...);  k times: t = t + TokenMixer(LayerNorm(t));  y_Token^(l) = t
 *     y_Channel^(l) = c + ChannelMixer(LayerNorm(c)),  c = skip.channelInput(l, ...)
 *   output = y_Channel^(L)
 * </pre>
 *
 * With k = 1 this is exactly {@link org.mambamixer.api.block.MambaMixerBackbone} with pre-norm
 * residual sublayers (D8, D9).
 */
public final class Vim2Stage extends AbstractBlock {
  private final int width;
  private final int layers;
  private final List<List<ResidualSublayer>> tokenLayers = new ArrayList<>();
  private final List<ResidualSublayer> channelLayers = new ArrayList<>();
  private final SkipAggregation skip;
  /** The mixers' scan backend, which decides whether the input is cut (see forwardInternal). */
  private final SelectiveScan scan;

  /**
   * @param tokens builds token mixer {@code i} (1-based over the stage) of {@code layers * k}
   * @param channels builds channel mixer {@code l} (1-based)
   * @param norms the pre-norm of every sublayer (D9)
   * @param scan the mixers' scan backend
   */
  public Vim2Stage(int width, int layers, int tokensPerLayer, IntFunction<TokenMixer> tokens,
      IntFunction<ChannelMixer> channels, SkipAggregation.Factory skips, Norm.Factory norms,
      SelectiveScan scan) {
    this.width = width;
    this.scan = scan;
    this.layers = layers;
    int i = 0;
    for (int l = 1; l <= layers; l++) {
      List<ResidualSublayer> group = new ArrayList<>();
      for (int k = 1; k <= tokensPerLayer; k++) {
        i++;
        group.add(addChildBlock("token_" + l + "_" + k, new ResidualSublayer(
            norms.create(width), tokens.apply(i), true)));
      }
      tokenLayers.add(group);
      channelLayers.add(addChildBlock("channel_" + l, new ResidualSublayer(
          norms.create(width), channels.apply(l), true)));
    }
    skip = addChildBlock("skip", skips.create(layers));
  }

  public SkipAggregation skip() {
    return skip;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow(); // (B, H, W, C)
    if (x.getShape().dimension() != 4 || x.getShape().get(3) != width) {
      throw new IllegalArgumentException(
          "a ViM2 stage of width " + width + " takes (B, H, W, " + width + "), got "
              + x.getShape());
    }
    // As in MambaMixerBackbone: every layer's skip aggregation reads x, so without a cut each
    // deferred node's backward pass would walk on through the stem or the patch merging below.
    x = Backprop.cutAhead(x, scan);
    List<NDArray> yToken = new ArrayList<>(List.of(x));
    List<NDArray> yChannel = new ArrayList<>(List.of(x));
    for (int l = 1; l <= layers; l++) {
      NDArray t = skip.tokenInput(ps, l, yToken, yChannel, training);
      for (ResidualSublayer sub : tokenLayers.get(l - 1)) {
        t = sub.forward(ps, new NDList(t), training).singletonOrThrow();
      }
      yToken.add(t);
      NDArray c = skip.channelInput(ps, l, yToken, yChannel, training);
      yChannel.add(
          channelLayers.get(l - 1).forward(ps, new NDList(c), training).singletonOrThrow());
    }
    return new NDList(yChannel.get(layers));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    for (int l = 0; l < layers; l++) {
      for (ResidualSublayer sub : tokenLayers.get(l)) {
        sub.initialize(manager, dataType, inputShapes);
      }
      channelLayers.get(l).initialize(manager, dataType, inputShapes);
    }
    skip.initialize(manager, dataType, inputShapes);
  }
}
