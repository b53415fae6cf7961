package org.mambamixer.sequence.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mambamixer.ablations.Assembled;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.api.scan.Backprop;
import org.mambamixer.runtime.train.AdamW;
import org.mambamixer.runtime.train.Losses;
import org.mambamixer.sequence.model.SequenceClassifier;
import org.mambamixer.sequence.model.SequenceConfig;

/**
 * Time of one training step (forward, backward, AdamW) of the sequence classifier for each token
 * mixer as L grows, batch 32, fused CPU scan, for docs/results-sequence.md. The configurations
 * take turns within each round, so a change of the machine's load spreads over all of them
 * instead of biasing one. Run: mvn -B -o -pl mixer-ablations -am verify -Preal-data
 * -Dtest=SequenceCostBenchTest -Dsurefire.failIfNoSpecifiedTests=false
 */
@Tag("slow")
class SequenceCostBenchTest {
  private static final int BATCH = 32;
  private static final int ROUNDS = 5;

  private record Case(String mixer, int length, SequenceClassifier model, AdamW optimizer,
      NDArray x, NDArray y, double[] ms) {}

  @Test
  void trainingStepPerTokenMixerAndLength() {
    Variants variants = Assembled.variants();
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed(5);
      List<Case> cases = new ArrayList<>();
      for (String mixer : List.of("selective", "attention", "mlp")) {
        for (int len : new int[] {196, 392, 784}) {
          SequenceConfig c = SequenceConfig.small(len, 784 / len, 10).withVariants(
              SequenceConfig.DEFAULT_VARIANTS.withTokenMixer(mixer).withChannelMixer("feature-mlp"));
          SequenceClassifier model = new SequenceClassifier(c, variants, variants.scan("cpu"));
          model.initialize(m, DataType.FLOAT32, model.inputShape(BATCH));
          cases.add(new Case(mixer, len, model, new AdamW(model.getParameters(), 0.05f),
              m.randomNormal(model.inputShape(BATCH)),
              m.randomInteger(0, 10, new ai.djl.ndarray.types.Shape(BATCH), DataType.INT32)
                  .toType(DataType.FLOAT32, false), new double[ROUNDS]));
        }
      }
      ParameterStore ps = new ParameterStore(m, false);
      for (int r = -1; r < ROUNDS; r++) { // round -1 warms every case up and is not counted
        for (Case k : cases) {
          long t0 = System.nanoTime();
          try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
              Backprop.discard();
              NDArray logits = k.model().forward(ps, new NDList(k.x()), true).singletonOrThrow();
              Backprop.backward(Losses.smoothedCrossEntropy(logits, k.y(), 0.1f));
            }
            k.optimizer().step(1e-3f);
          }
          if (r >= 0) {
            k.ms()[r] = (System.nanoTime() - t0) / 1e6;
          }
        }
      }
      StringBuilder table = new StringBuilder(
          "| token mixer | L | median step, ms | min step, ms |\n|---|---:|---:|---:|\n");
      for (Case k : cases) {
        double[] s = k.ms().clone();
        Arrays.sort(s);
        assertThat(s[0]).isPositive();
        table.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %.0f |%n", k.mixer(),
            k.length(), s[s.length / 2], s[0]));
      }
      System.out.println(table);
    }
  }
}
