package org.mambamixer.api.block;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.mambamixer.api.scan.Backprop;
import org.mambamixer.api.scan.Recompute;
import org.mambamixer.api.util.Scopes;

/** x + Mixer(Norm(x)), or Mixer(Norm(x)) without the inner residual (the D9 ablation). */
public final class ResidualSublayer extends AbstractBlock {
  private final Block norm;
  private final Block mixer;
  private final boolean residual;

  public ResidualSublayer(Block norm, Block mixer, boolean residual) {
    this.norm = addChildBlock("norm", norm);
    this.mixer = addChildBlock("mixer", mixer);
    this.residual = residual;
  }

  public Block mixer() {
    return mixer;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    if (!Backprop.isRecording()) {
      // Inference keeps no graph: the sublayer's intermediates can go as soon as it returns.
      return new NDList(Scopes.keepOnlyResult(() -> apply(ps, x, training)));
    }
    NDArray y = Recompute.apply(x, in -> apply(ps, in, training));
    // A recomputed sublayer's output is a leaf already; otherwise the cut keeps the passes of
    // later scans from walking back through this sublayer (Backprop).
    return new NDList(Recompute.on() ? y : Backprop.cut(y));
  }

  private NDArray apply(ParameterStore ps, NDArray x, boolean training) {
    NDArray h = norm.forward(ps, new NDList(x), training).singletonOrThrow();
    NDArray y = mixer.forward(ps, new NDList(h), training).singletonOrThrow();
    return residual ? x.add(y) : y;
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    norm.initialize(manager, dataType, inputShapes);
    mixer.initialize(manager, dataType, inputShapes);
  }
}
