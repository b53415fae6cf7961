package org.mambamixer.ablations.profile;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mambamixer.ablations.Assembled;
import org.mambamixer.api.mixer.SelectiveMixer;
import org.mambamixer.api.scan.Backprop;
import org.mambamixer.api.scan.ScanRoute;
import org.mambamixer.api.ssm.S6Config;

/** The clock around a scan backend counts exactly the kernel's calls and elements. */
class TimedScanTest {

  @ParameterizedTest(name = "{0}: {1} kernel calls each way")
  @CsvSource({"cpu, 2", "fused, 1", "reference, 2"})
  void countsTheKernelCallsAndElementsOfAMixer(String backend, int calls) {
    // d_model 4, E = 2 x 4 = 8, N 3; two routes over (B 2, L 5): 2 x (2 * 8 * 5 * 3) = 480.
    S6Config c = new S6Config(4, 2, 3, 3, 2, 1e-3f, 1e-1f, 1e-4f);
    TimedScan scan = new TimedScan(Assembled.variants().scan(backend));
    try (NDManager m = NDManager.newBaseManager()) {
      SelectiveMixer mixer =
          new SelectiveMixer(c, 1, List.of(ScanRoute.FORWARD, ScanRoute.BACKWARD), scan);
      mixer.initialize(m, DataType.FLOAT32, new Shape(2, 5, 4));
      try (GradientCollector gc = m.getEngine().newGradientCollector()) {
        Backprop.discard();
        NDList out = mixer.forward(new ParameterStore(m, false),
            new NDList(m.randomNormal(new Shape(2, 5, 4))), true);
        Backprop.backward(out.singletonOrThrow().square().sum());
      }
    }
    TimedScan.Totals t = scan.totals();
    assertThat(t.elements()).isEqualTo(480);
    assertThat(t.forwardCalls()).isEqualTo(calls);
    assertThat(t.forwardWall()).isPositive();
    // A backend whose backward the engine's autograd runs records no deferred node to clock.
    boolean ownBackward = !backend.equals("reference");
    assertThat(t.backwardCalls()).isEqualTo(ownBackward ? calls : 0);
    assertThat(t.backwardWall() > 0).isEqualTo(ownBackward);
    // The clocked backend cuts the model's graph where the bare one would (Backprop.cutAhead).
    assertThat(scan.defersGradients()).isEqualTo(ownBackward);
  }
}
