package org.mambamixer.ablations.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mambamixer.ablations.profile.OpTrace.Region;

/** Reading libtorch's profiler trace into the regions and families of a step. */
class OpTraceTest {

  @Test
  void countsTopLevelEventsOncePerRegion(@TempDir Path dir) throws Exception {
    // Written in end order, as libtorch writes them: children before their parents.
    Path trace = Files.writeString(dir.resolve("t.json"), "["
        + event("aten::mm", 2, 6) + "," + event("aten::matmul", 1, 8) + ","
        + event("aten::linear", 0, 10) + "," + event("aten::sigmoid", 12, 3) + ","
        + event("MmBackward0", 21, 3) + ","
        + event("autograd::engine::evaluate_function: MmBackward0", 20, 5) + ","
        + event("aten::mul", 26, 1) + ","
        + event("autograd::engine::evaluate_function: torch::autograd::AccumulateGrad", 30, 2)
        + "," + event("aten::add_", 40, 3) + "]");
    OpTrace t = OpTrace.read(trace);
    assertThat(t.micros(Region.FORWARD)).containsExactly(entry("linear / matmul", 10.0),
        entry("elementwise and reductions", 3.0));
    assertThat(t.micros(Region.BACKWARD)).containsOnly(entry("backward of linear / matmul", 5.0),
        entry("between engine passes (scan bridge surrogates)", 1.0),
        entry("gradient accumulation into parameters", 2.0));
    assertThat(t.micros(Region.OPTIMIZER)).containsExactly(entry("optimizer update", 3.0));
  }

  private static String event(String name, double ts, double dur) {
    return "{\"name\":\"" + name + "\",\"ph\":\"X\",\"ts\":" + ts + ",\"dur\":" + dur
        + ",\"tid\":1,\"pid\":\"CPU Functions\"}";
  }

  /** What the families rest on: libtorch records DJL's calls by their aten names, and nodes. */
  @Test
  void libtorchRecordsTheOpsDjlCalls(@TempDir Path dir) throws Exception {
    Path trace = dir.resolve("djl.json");
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray w = m.randomNormal(new Shape(16, 8));
      w.setRequiresGradient(true);
      NDArray x = m.randomNormal(new Shape(4, 10, 8));
      JniUtils.startProfile(false, false, false);
      try (GradientCollector gc = m.getEngine().newGradientCollector()) {
        NDArray h = x.matMul(w.transpose());
        NDArray n = LayerNorm.layerNorm(h, new Shape(16), m.ones(new Shape(16)),
            m.zeros(new Shape(16)), 1e-5f).singletonOrThrow();
        gc.backward(n.mul(ai.djl.nn.Activation.sigmoid(n)).mean());
      }
      JniUtils.stopProfile(trace.toString());
    }
    OpTrace t = OpTrace.read(trace);
    assertThat(t.micros(Region.FORWARD)).containsKeys("linear / matmul", "norms",
        "elementwise and reductions");
    assertThat(t.micros(Region.BACKWARD)).containsKeys("backward of linear / matmul",
        "backward of norms", "backward of elementwise and reductions",
        "gradient accumulation into parameters");
    assertThat(t.micros(Region.FORWARD).keySet()).noneMatch(f -> f.startsWith("other"));
    assertThat(t.micros(Region.BACKWARD).keySet()).noneMatch(f -> f.startsWith("other"));
  }
}
