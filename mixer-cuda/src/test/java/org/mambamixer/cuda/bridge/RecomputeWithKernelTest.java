package org.mambamixer.cuda.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.google.inject.Guice;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mambamixer.api.block.BackboneConfig;
import org.mambamixer.api.block.MambaMixerBackbone;
import org.mambamixer.api.inject.MixerModule;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.api.mixer.MixerSpec;
import org.mambamixer.api.scan.Backprop;
import org.mambamixer.api.scan.Recompute;
import org.mambamixer.api.ssm.S6Config;
import org.mambamixer.cuda.ScanFixture;
import org.mambamixer.cuda.cpu.CpuScanKernel;
import org.mambamixer.cuda.inject.FusedBackend;

/**
 * Recomputed layers around the scan kernel and around the fused mixer: each recomputation records
 * the kernel's own deferred nodes and must run them on a tape of its own, inside the enclosing
 * backward.
 */
class RecomputeWithKernelTest {
  private static final Shape X = new Shape(2, 3, 6, 8); // (B, C, L, D)

  @ParameterizedTest(name = "{0}")
  @ValueSource(booleans = {false, true})
  void recomputedLayersGiveTheKernelsGradients(boolean fused) {
    try (NDManager m = NDManager.newBaseManager()) {
      List<float[]> plain = gradients(m, false, fused);
      List<float[]> recomputed = gradients(m, true, fused);
      assertThat(recomputed).hasSameSizeAs(plain);
      for (int i = 0; i < plain.size(); i++) {
        assertThat(plain.get(i)).as("gradient %d", i).isNotEqualTo(new float[plain.get(i).length]);
        assertThat(ScanFixture.relError(recomputed.get(i), plain.get(i))).as("gradient %d", i)
            .isLessThanOrEqualTo(1e-4); // float32: only the order of sums differs (measured 2e-5)
      }
    }
  }

  /** The input's gradient, then every parameter's, for a fresh net of a fixed seed. */
  private static List<float[]> gradients(NDManager m, boolean recompute, boolean fused) {
    m.getEngine().setRandomSeed(11);
    MambaMixerBackbone net = Guice.createInjector(new MixerModule()).getInstance(Variants.class)
        .backbone(BackboneConfig.of(2, 8).withMixers(MixerSpec.of(
            new S6Config(8, 2, 4, 3, 1, 1e-3f, 1e-1f, 1e-4f))),
            fused ? new FusedBackend().create() : new KernelScan(new CpuScanKernel(2, 4)));
    net.initialize(m, DataType.FLOAT32, X);
    NDArray x = m.randomNormal(X);
    NDArray w = m.randomNormal(X);
    x.setRequiresGradient(true);
    try (Recompute.Mode r = Recompute.enable(recompute);
        GradientCollector gc = m.getEngine().newGradientCollector()) {
      NDArray loss = net.forward(new ParameterStore(m, false), new NDList(x), true)
          .singletonOrThrow().mul(w).sum();
      // Recomputed: one node per sublayer. Recorded: the kernel's, one per scan (per layer one
      // in the token mixer, two in the channel mixer, which scans both ways and whose two
      // routes share one backward pass) or one per fused mixer, and a cut ending each of the
      // four sublayers. Both: the cut of the backbone's input, which every layer reads.
      assertThat(Backprop.pending()).isEqualTo(1 + (recompute ? 4 : (fused ? 4 : 6) + 4));
      assertThat(Backprop.pendingPasses()).isEqualTo(1 + (recompute ? 4 : 4 + 4));
      Backprop.backward(loss);
    }
    List<float[]> out = new ArrayList<>();
    out.add(x.getGradient().toFloatArray());
    for (var p : net.getParameters()) {
      out.add(p.getValue().getArray().getGradient().toFloatArray());
    }
    return out;
  }
}
