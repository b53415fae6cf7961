package org.mambamixer.vision.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mambamixer.api.scan.Backprop;
import org.mambamixer.api.scan.ReferenceScan;

/**
 * Forward + backward time of one token mixer against one channel mixer at stage-1 shapes of the
 * small presets (D7 asks for the channel mixer's measured cost). Prints a table; run with
 * {@code -Dsurefire.excludedGroups=none -Dtest=MixerCostBench}.
 */
@Tag("slow")
class MixerCostBench {

  private static double millis(NDManager m, Block block, Shape shape) {
    block.initialize(m, DataType.FLOAT32, shape);
    for (Pair<String, Parameter> p : block.getParameters()) {
      p.getValue().getArray().setRequiresGradient(true);
    }
    ParameterStore ps = new ParameterStore(m, false);
    double[] t = new double[7];
    for (int i = 0; i < t.length; i++) {
      try (NDManager step = m.newSubManager()) {
        NDArray x = step.randomNormal(shape);
        long start = System.nanoTime();
        try (GradientCollector gc = m.getEngine().newGradientCollector()) {
          NDArray y = block.forward(ps, new NDList(x), true).singletonOrThrow();
          Backprop.backward(y.pow(2).mean());
        }
        t[i] = (System.nanoTime() - start) / 1e6;
      }
    }
    double[] timed = Arrays.copyOfRange(t, 2, t.length); // two warm-up runs
    Arrays.sort(timed);
    return timed[timed.length / 2];
  }

  @Test
  void channelMixerAgainstTokenMixer() {
    StringBuilder table = new StringBuilder(
        "| preset | shape (B, H, W, C) | token mixer ms | channel mixer ms | ratio |\n");
    for (Vim2Config c : new Vim2Config[] {Vim2Config.TINY_28, Vim2Config.TINY_32}) {
      int side = c.grid(0, c.imageSize());
      int w = c.widths().get(0);
      Shape shape = new Shape(8, side, side, w);
      try (NDManager m = NDManager.newBaseManager()) {
        double token = millis(m, new CrossScanTokenMixer(c.tokenSsm(w), c.routes(),
            new ReferenceScan()), shape);
        double channel = millis(m, new LiftedChannelMixer(w, c.channelSsm(), new ReferenceScan()),
            shape);
        table.append(String.format("| %s | %s | %.1f | %.1f | %.2f |%n", c.name(), shape, token,
            channel, channel / token));
        assertThat(token).isPositive();
        assertThat(channel).isPositive();
      }
    }
    System.out.println(table);
  }

  @Test
  void wholeModelStepAtTheSmallPresets() {
    StringBuilder table = new StringBuilder("| preset | batch | forward+backward ms |\n");
    for (Vim2Config c : new Vim2Config[] {Vim2Config.TINY_28, Vim2Config.TINY_32}) {
      try (NDManager m = NDManager.newBaseManager()) {
        Vim2 model = new Vim2(c, new ReferenceScan());
        double ms = millis(m, model, model.inputShape(32));
        table.append(String.format("| %s | 32 | %.0f |%n", c.name(), ms));
        assertThat(ms).isPositive();
      }
    }
    System.out.println(table);
  }
}
