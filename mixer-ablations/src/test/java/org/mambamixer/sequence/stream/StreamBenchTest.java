package org.mambamixer.sequence.stream;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mambamixer.ablations.Assembled;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.sequence.model.SequenceClassifier;
import org.mambamixer.sequence.model.SequenceConfig;

/**
 * Time of the recurrent step per token against the full forward (fused CPU scan) as L grows, for
 * docs/results-sequence.md. Prints a Markdown table; asserts only that the state does not grow.
 * Run: mvn -B -o -pl mixer-ablations -am verify -Preal-data -Dtest=StreamBenchTest
 * -Dsurefire.failIfNoSpecifiedTests=false
 */
@Tag("slow")
class StreamBenchTest {
  private static final int REPEATS = 5;

  @Test
  void stepVersusFullForwardAsTheSequenceGrows() {
    Variants variants = Assembled.variants();
    StringBuilder table = new StringBuilder("| L | batch | full forward, ms | full forward per"
        + " token, ms | step per token, ms | state floats |\n|---:|---:|---:|---:|---:|---:|\n");
    // Medians of REPEATS timed runs after one untimed run of the same shape.
    long firstState = -1;
    for (int batch : new int[] {1, 32}) {
      for (int len : new int[] {196, 392, 784}) {
        try (NDManager m = NDManager.newBaseManager()) {
          m.getEngine().setRandomSeed(3);
          SequenceConfig c = SequenceConfig.small(len, 784 / len, 10).withVariants(
              SequenceConfig.DEFAULT_VARIANTS.withChannelMixer("feature-mlp"));
          SequenceClassifier model = new SequenceClassifier(c, variants, variants.scan("cpu"));
          model.initialize(m, DataType.FLOAT32, model.inputShape(batch));
          NDArray x = m.randomNormal(model.inputShape(batch));
          ParameterStore ps = new ParameterStore(m, false);
          double[] full = new double[REPEATS];
          double[] step = new double[REPEATS];
          long stateFloats = 0;
          try (RecurrentClassifier stream = new RecurrentClassifier(model, m)) {
            // Repeat 0 is the warm-up (class loading, libtorch's first calls) and is not counted.
            for (int r = 0; r <= REPEATS; r++) {
              long t0 = System.nanoTime();
              model.forward(ps, new NDList(x), false).singletonOrThrow().toFloatArray();
              double fullMs = (System.nanoTime() - t0) / 1e6;
              RecurrentClassifier.State s = stream.start(m, batch);
              long t1 = System.nanoTime();
              for (int t = 0; t < len; t++) {
                try (NDArray token = x.get(":, {}, :", t)) {
                  s = stream.step(s, token);
                }
              }
              stream.logits(s).toFloatArray();
              double stepMs = (System.nanoTime() - t1) / 1e6 / len;
              stateFloats = s.elements();
              s.close();
              if (r > 0) {
                full[r - 1] = fullMs;
                step[r - 1] = stepMs;
              }
            }
          }
          if (batch == 1) {
            firstState = firstState < 0 ? stateFloats : firstState;
            assertThat(stateFloats).isEqualTo(firstState);
          }
          double f = median(full);
          table.append(String.format(Locale.ROOT, "| %d | %d | %.1f | %.4f | %.4f | %d |%n", len,
              batch, f, f / len, median(step), stateFloats));
        }
      }
    }
    System.out.println(table);
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
