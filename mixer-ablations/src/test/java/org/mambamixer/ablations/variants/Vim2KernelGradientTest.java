package org.mambamixer.ablations.variants;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mambamixer.ablations.Assembled;
import org.mambamixer.api.scan.Backprop;
import org.mambamixer.api.scan.ReferenceScan;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.cuda.bridge.KernelScan;
import org.mambamixer.cuda.cpu.CpuScanKernel;
import org.mambamixer.vision.model.Vim2;
import org.mambamixer.vision.model.Vim2Config;
import org.mambamixer.vision.train.ClassifyRun;

/**
 * ViM2 through the fused kernel gives the reference scan's gradients. The kernel's deferred nodes
 * take the backward's shortcuts (the four cross-scan routes and the two channel routes share a
 * pass, each sublayer ends in a cut), which the reference scan, all engine ops, never takes;
 * under every skip aggregation, whose reads of earlier layers are what the cuts' leaves receive.
 */
class Vim2KernelGradientTest {

  @ParameterizedTest(name = "skip {0}")
  @ValueSource(strings = {"learned", "softmax", "frozen", "residual"})
  void kernelGradientsEqualTheReferenceScans(String skip) {
    List<float[]> reference = gradients(new ReferenceScan(), skip, false);
    List<float[]> kernel = gradients(new KernelScan(new CpuScanKernel(2, 4)), skip, true);
    Gradients.assertAgree(kernel, reference, 0, skip, 1e-4);
  }

  /** The input's gradient, then every parameter's, of a fresh two-stage model of a fixed seed. */
  private static List<float[]> gradients(SelectiveScan scan, String skip, boolean deferred) {
    Vim2Config c = Vim2Config.TINY_28.withImage(8, 1, 3).withWidths(List.of(8, 16));
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed(5);
      Vim2 model = ClassifyRun.build(c, Vim2Config.VARIANTS.withSkip(skip), Assembled.variants(),
          scan);
      model.initialize(m, DataType.FLOAT32, model.inputShape(2));
      NDArray x = m.randomNormal(model.inputShape(2));
      NDArray w = m.randomNormal(new Shape(2, c.classes()));
      x.setRequiresGradient(true);
      try (GradientCollector gc = m.getEngine().newGradientCollector()) {
        NDArray y = model.forward(new ParameterStore(m, false), new NDList(x), true)
            .singletonOrThrow();
        if (deferred) {
          // 2 + 4 token sublayers of 4 routes, 1 + 2 channel sublayers of 2, one cut each, and
          // the cut of each of the two stages' inputs
          int scans = 6 * 4 + 3 * 2;
          assertThat(Backprop.pending()).isEqualTo(scans + 9 + 2);
          assertThat(Backprop.pendingPasses()).isEqualTo(9 + 9 + 2);
        } else {
          assertThat(Backprop.pending()).isZero();
        }
        Backprop.backward(y.mul(w).sum());
      }
      List<float[]> out = new ArrayList<>();
      out.add(x.getGradient().toFloatArray());
      for (Pair<String, Parameter> p : model.getParameters()) {
        out.add(p.getValue().getArray().getGradient().toFloatArray());
      }
      return out;
    }
  }
}
