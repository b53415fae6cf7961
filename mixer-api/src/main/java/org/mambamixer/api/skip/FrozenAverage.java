package org.mambamixer.api.skip;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.mambamixer.api.util.Scalars;

/**
 * D8's {@code frozen} ablation: the averaging structure without learning. Every input is the plain
 * mean of all earlier token- and channel-mixer outputs (fixed weights 1/n, no parameters), so it
 * measures what dense connections give before their weights are learned.
 */
public final class FrozenAverage extends AbstractSkip {

  public FrozenAverage(int layers) {
    super(layers);
  }

  @Override
  public NDArray tokenInput(ParameterStore ps, int layer, List<NDArray> yToken,
      List<NDArray> yChannel, boolean training) {
    Histories.checkToken(layers, layer, yToken, yChannel);
    return mean(yToken, yChannel);
  }

  @Override
  public NDArray channelInput(ParameterStore ps, int layer, List<NDArray> yToken,
      List<NDArray> yChannel, boolean training) {
    Histories.checkChannel(layers, layer, yToken, yChannel);
    return mean(yToken, yChannel);
  }

  private static NDArray mean(List<NDArray> first, List<NDArray> second) {
    NDArray acc = null;
    for (List<NDArray> history : List.of(first, second)) {
      for (NDArray y : history) {
        acc = acc == null ? y : acc.add(y);
      }
    }
    return Scalars.over(acc, first.size() + second.size());
  }

  @Override
  public long scalarCount() {
    return 0;
  }

  /** {@code frozen} in the skip registry. */
  public static final class Factory implements SkipAggregation.Factory {
    @Override
    public SkipAggregation create(int layers) {
      return new FrozenAverage(layers);
    }

    @Override
    public String description() {
      return "fixed uniform mean of all earlier outputs, nothing learned (D8 ablation)";
    }
  }
}
