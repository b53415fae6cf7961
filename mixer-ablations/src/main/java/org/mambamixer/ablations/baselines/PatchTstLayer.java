package org.mambamixer.ablations.baselines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.mambamixer.api.block.HashDropout;
import org.mambamixer.api.ssm.Init;
import org.mambamixer.api.util.Scalars;

/**
 * One encoder layer of PatchTST (Nie et al. 2023), post-norm, with its residual attention: each
 * layer's pre-softmax scores are added to the next layer's, as the reference's
 * {@code res_attention}.
 *
 * <pre>
 *   x (B', N, D), prev scores (B', h, N, N) or none        B' = batch x variates, N patches
 *   s = Q K^T / sqrt(D / h) (+ prev)                       (B', h, N, N)
 *   x = BN(x + Dropout(Dropout(W_O softmax(s) V)))
 *   x = BN(x + Dropout(W_2 Dropout(GELU(W_1 x))))          W_1: D -> F, W_2: F -> D
 *   -> [x (B', N, D), s]
 * </pre>
 *
 * BN is PyTorch's BatchNorm1d over D (statistics over every token of the batch; momentum 0.1,
 * epsilon 1e-5, DJL's momentum 0.9 being its complement), which the paper prefers to LayerNorm.
 * The dropouts are {@link HashDropout}'s: libtorch's serial mask draw over the (B', N, F) hidden
 * and the rest cost a seventh of a training batch (docs/benchmarks.md, "PatchTST's dropout").
 */
final class PatchTstLayer extends AbstractBlock {
  private final int heads;
  private final Linear qkv;
  private final Linear out;
  private final HashDropout outDropout;
  private final HashDropout attnDropout;
  private final BatchNorm attnNorm;
  private final Linear up;
  private final HashDropout upDropout;
  private final Linear down;
  private final HashDropout ffnDropout;
  private final BatchNorm ffnNorm;

  PatchTstLayer(int dModel, int heads, int dFf, float dropout) {
    if (dModel % heads != 0) {
      throw new IllegalArgumentException("d_model " + dModel + " is not a multiple of " + heads
          + " heads");
    }
    this.heads = heads;
    qkv = addChildBlock("qkv", Init.fanInLinear(3 * dModel));
    out = addChildBlock("out", Init.fanInLinear(dModel));
    outDropout = addChildBlock("out_dropout", new HashDropout(dropout));
    attnDropout = addChildBlock("attn_dropout", new HashDropout(dropout));
    attnNorm = addChildBlock("attn_norm", norm());
    up = addChildBlock("up", Init.fanInLinear(dFf));
    upDropout = addChildBlock("up_dropout", new HashDropout(dropout));
    down = addChildBlock("down", Init.fanInLinear(dModel));
    ffnDropout = addChildBlock("ffn_dropout", new HashDropout(dropout));
    ffnNorm = addChildBlock("ffn_norm", norm());
  }

  private static BatchNorm norm() {
    return BatchNorm.builder().optAxis(1).optMomentum(0.9f).optEpsilon(1e-5f).build();
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.get(0); // (B', N, D)
    long b = x.getShape().get(0);
    long n = x.getShape().get(1);
    long d = x.getShape().get(2);
    long dk = d / heads;
    NDArray qkvs = qkv.forward(ps, new NDList(x), training).singletonOrThrow()
        .reshape(b, n, 3, heads, dk).transpose(2, 0, 3, 1, 4); // (3, B', h, N, dk)
    NDArray q = qkvs.get(0);
    NDArray k = qkvs.get(1);
    NDArray v = qkvs.get(2);
    // (B', h, N, N); Scalars: a plain div(Number) constant is freed before the backward reads it
    NDArray scores = Scalars.over(q.matMul(k.transpose(0, 1, 3, 2)), Math.sqrt(dk));
    if (inputs.size() > 1) {
      scores = scores.add(inputs.get(1));
    }
    NDArray attended = scores.softmax(-1).matMul(v) // (B', h, N, dk)
        .transpose(0, 2, 1, 3).reshape(b, n, d);
    NDArray a = out.forward(ps, new NDList(attended), training).singletonOrThrow();
    a = outDropout.forward(ps, new NDList(a), training).singletonOrThrow();
    a = attnDropout.forward(ps, new NDList(a), training).singletonOrThrow();
    x = normalise(ps, attnNorm, x.add(a), training);
    NDArray h = Activation.gelu(up.forward(ps, new NDList(x), training).singletonOrThrow());
    h = upDropout.forward(ps, new NDList(h), training).singletonOrThrow();
    NDArray f = down.forward(ps, new NDList(h), training).singletonOrThrow();
    f = ffnDropout.forward(ps, new NDList(f), training).singletonOrThrow();
    return new NDList(normalise(ps, ffnNorm, x.add(f), training), scores);
  }

  /** BatchNorm over the features of every token: the tokens as the batch of (B' * N, D). */
  private static NDArray normalise(ParameterStore ps, BatchNorm norm, NDArray x,
      boolean training) {
    Shape s = x.getShape();
    return norm.forward(ps, new NDList(x.reshape(-1, s.get(2))), training).singletonOrThrow()
        .reshape(s);
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape x = inputShapes[0];
    Shape tokens = new Shape(x.get(0) * x.get(1), x.get(2));
    qkv.initialize(manager, dataType, x);
    out.initialize(manager, dataType, x);
    outDropout.initialize(manager, dataType, x);
    attnDropout.initialize(manager, dataType, x);
    attnNorm.initialize(manager, dataType, tokens);
    up.initialize(manager, dataType, x);
    Shape hidden = up.getOutputShapes(new Shape[] {x})[0];
    upDropout.initialize(manager, dataType, hidden);
    down.initialize(manager, dataType, hidden);
    ffnDropout.initialize(manager, dataType, x);
    ffnNorm.initialize(manager, dataType, tokens);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape x = inputShapes[0];
    return new Shape[] {x, new Shape(x.get(0), heads, x.get(1), x.get(1))};
  }
}
