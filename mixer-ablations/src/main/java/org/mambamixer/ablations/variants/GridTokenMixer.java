package org.mambamixer.ablations.variants;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.mambamixer.api.mixer.MixerSpec;
import org.mambamixer.api.mixer.TokenMixer;
import org.mambamixer.api.scan.SelectiveScan;

/**
 * A 1-D token mixer run over every token of a 2-D grid at once, as ViT's attention and MLP-Mixer's
 * token MLP see an image: the axis before the token axis is folded into it, row-major.
 *
 * <pre>
 *   x (B, H, W, C), token axis 2 -> (B, 1, H*W, C) -> inner mixer -> (B, H, W, C)
 * </pre>
 *
 * On ViM2's (B, H, W, C) stages the plain 1-D variants mix along each row only (the other axis is
 * a batch axis to them); wrapped here they mix globally, which is what the ViT-like and
 * MLP-Mixer-like backbones of the vision ablation need. On TSM2's (B, M, N, D) the folded axis is
 * the variates, so the same wrapper there mixes across variates and patches jointly.
 */
public final class GridTokenMixer extends AbstractBlock implements TokenMixer {
  private final int tokenAxis;
  private final TokenMixer inner;

  public GridTokenMixer(MixerSpec spec, TokenMixer inner) {
    if (spec.tokenAxis() < 2) {
      throw new IllegalArgumentException("a grid needs an axis before the token axis "
          + spec.tokenAxis() + " to fold into it");
    }
    this.tokenAxis = spec.tokenAxis();
    this.inner = addChildBlock("inner", inner);
  }

  /** The input's shape with the axis before the token axis folded into it. */
  private Shape folded(Shape s) {
    if (s.dimension() <= tokenAxis + 1) {
      throw new IllegalArgumentException("input " + s + " has no token axis " + tokenAxis
          + " before its feature axis");
    }
    long[] d = s.getShape().clone(); // getShape() is the Shape's own array
    d[tokenAxis] *= d[tokenAxis - 1];
    d[tokenAxis - 1] = 1;
    return new Shape(d);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow(); // (B, ..., H, W, ..., D)
    NDArray y = inner.forward(ps, new NDList(x.reshape(folded(x.getShape()))), training)
        .singletonOrThrow(); // (B, ..., 1, H*W, ..., D)
    return new NDList(y.reshape(x.getShape()));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    inner.initialize(manager, dataType, folded(inputShapes[0]));
  }

  /** {@code attention-grid}: ViT's token mixer, positional self-attention over all H*W tokens. */
  public static final class AttentionFactory implements TokenMixer.Factory {
    @Override
    public TokenMixer create(MixerSpec spec, int layer, SelectiveScan scan) {
      return new GridTokenMixer(spec, new PositionalAttentionTokenMixer(spec));
    }

    @Override
    public String description() {
      return "ViT: self-attention with learned positions over all H*W tokens of a grid; one size";
    }
  }

  /** {@code mlp-grid}: MLP-Mixer's token mixer, one MLP over all H*W tokens. */
  public static final class MlpFactory implements TokenMixer.Factory {
    @Override
    public TokenMixer create(MixerSpec spec, int layer, SelectiveScan scan) {
      return new GridTokenMixer(spec, new MlpTokenMixer(spec));
    }

    @Override
    public String description() {
      return "MLP-Mixer: Linear(HW->2HW)-GELU-Linear(2HW->HW) over all H*W tokens; one size";
    }
  }
}
