package org.mambamixer.ablations.variants;

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
import org.mambamixer.api.mixer.MixerSpec;
import org.mambamixer.api.mixer.TokenMixer;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.api.ssm.Init;
import org.mambamixer.api.util.Scalars;

/**
 * Multi-head self-attention over the token axis (Vaswani et al. 2017; ViT's token mixer), every
 * token attending to every other (non-causal):
 *
 * <pre>
 *   x (B, ..., L, ..., D) -> every axis but L and D folded into the batch: (Bt, L, D)
 *   q, k, v = split(x W_qkv^T)          W_qkv (3D, D)          3 x (Bt, H, L, Dh), Dh = D / H
 *   a = softmax(q k^T / sqrt(Dh))       over the keys          (Bt, H, L, L)
 *   y = concat_heads(a v) W_o^T         W_o (D, D)             (Bt, L, D)
 *   back to (B, ..., L, ..., D)
 * </pre>
 *
 * The projections have no bias: a key bias adds the same q·b to every logit of a query's row,
 * which the softmax cancels, and the selective mixers' projections have none either. There is no
 * positional encoding (none of the backbone's inputs carries one), so this mixer is blind to token
 * order: it sees what each token holds, not where it is. Unlike the MLP and linear variants it
 * serves any token count.
 */
public final class AttentionTokenMixer extends AbstractBlock implements TokenMixer {
  private final MixedAxis axis;
  private final int heads;
  private final Linear qkv;
  private final Linear outProj;

  /**
   * @param heads H; must divide d_model
   */
  public AttentionTokenMixer(MixerSpec spec, int heads) {
    int d = spec.dModel();
    if (heads < 1 || d % heads != 0) {
      throw new IllegalArgumentException("heads must be a positive divisor of d_model = " + d
          + ", got " + heads);
    }
    this.axis = new MixedAxis(spec.tokenAxis(), d);
    this.heads = heads;
    qkv = addChildBlock("qkv", Linear.builder().setUnits(3L * d).optBias(false).build());
    qkv.setInitializer(Init.FAN_IN_UNIFORM, Parameter.Type.WEIGHT);
    outProj = addChildBlock("out_proj", Linear.builder().setUnits(d).optBias(false).build());
    outProj.setInitializer(Init.FAN_IN_UNIFORM, Parameter.Type.WEIGHT);
  }

  /**
   * Heads of width 16 where d_model allows it, as ViT and Mamba-sized models use: the largest
   * divisor of d_model not above max(1, d_model / 16), e.g. 8 -> 1, 40 -> 2, 96 -> 6, 192 -> 12.
   */
  public static int defaultHeads(int dModel) {
    int h = Math.max(1, dModel / 16);
    while (dModel % h != 0) {
      h--;
    }
    return h;
  }

  public int heads() {
    return heads;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray input = inputs.singletonOrThrow(); // (B, ..., L, ..., D)
    long l = axis.length(input.getShape());
    int d = axis.dModel();
    long dh = d / heads;
    int rank = input.getShape().dimension();
    NDArray moved = input.swapAxes(axis.axis(), rank - 2); // (..., L, D)
    NDArray x = moved.reshape(-1, l, d); // (Bt, L, D)
    NDArray qkvx = qkv.forward(ps, new NDList(x), training).singletonOrThrow() // (Bt, L, 3D)
        .reshape(-1, l, 3, heads, dh).transpose(2, 0, 3, 1, 4); // (3, Bt, H, L, Dh)
    NDArray q = qkvx.get(0);
    NDArray k = qkvx.get(1);
    NDArray v = qkvx.get(2);
    NDArray a = Scalars.over(q.matMul(k.swapAxes(2, 3)), Math.sqrt(dh)).softmax(-1); // (Bt, H, L, L)
    NDArray y = a.matMul(v).transpose(0, 2, 1, 3).reshape(-1, l, d); // (Bt, L, D)
    NDArray out = outProj.forward(ps, new NDList(y), training).singletonOrThrow(); // (Bt, L, D)
    return new NDList(out.reshape(moved.getShape()).swapAxes(axis.axis(), rank - 2));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    long l = axis.length(inputShapes[0]);
    Shape x = new Shape(inputShapes[0].size() / (l * axis.dModel()), l, axis.dModel());
    qkv.initialize(manager, dataType, x);
    outProj.initialize(manager, dataType, x);
  }

  /** {@code attention} in the token-mixer registry. */
  public static final class Factory implements TokenMixer.Factory {
    @Override
    public TokenMixer create(MixerSpec spec, int layer, SelectiveScan scan) {
      return new AttentionTokenMixer(spec, defaultHeads(spec.dModel()));
    }

    @Override
    public String description() {
      return "multi-head self-attention over the tokens, non-causal, no positional encoding";
    }
  }
}
