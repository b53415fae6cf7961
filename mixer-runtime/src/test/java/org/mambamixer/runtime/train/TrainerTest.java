package org.mambamixer.runtime.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.dataset.Batch;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mambamixer.runtime.report.Charts;
import org.mambamixer.runtime.report.Table;

/**
 * The one loop on a linear regression: a run killed at any batch and resumed gives the
 * uninterrupted run's files bit for bit, whatever the validation and save intervals; a run cut
 * short or lengthened on resume is the run of its new epochs; patience stops it; a state.json
 * written before the shared loop still resumes.
 */
class TrainerTest {
  private static final int N = 40; // training examples
  private static final int IN = 4;

  /** y = x . (1, -2, 3, 0.5) + noise; batches of 8, a shuffle per epoch. */
  private static final class Regression implements TrainingTask {
    private final Linear model = Linear.builder().setUnits(1).build();
    private final float[] x = new float[(N + 16) * IN];
    private final float[] y = new float[N + 16];
    private final Plan plan;

    Regression(NDManager manager, Plan plan) {
      this.plan = plan;
      Random r = new Random(3);
      float[] w = {1, -2, 3, 0.5f};
      for (int i = 0; i < y.length; i++) {
        for (int j = 0; j < IN; j++) {
          x[i * IN + j] = (float) r.nextGaussian();
          y[i] += w[j] * x[i * IN + j];
        }
        y[i] += (float) (0.1 * r.nextGaussian());
      }
      model.initialize(manager, DataType.FLOAT32, new Shape(8, IN));
    }

    @Override
    public Block model() {
      return model;
    }

    @Override
    public String name() {
      return "regression";
    }

    @Override
    public int trainSize() {
      return N;
    }

    @Override
    public Iterator<Batch> batches(NDManager manager, int epoch, int from) {
      int[] order = Batches.shuffled(N, new Random(plan.seed() * 31 + epoch));
      return Batches.of(manager, order, 8, from, (batch, idx) -> {
        float[] xs = new float[idx.length * IN];
        float[] ys = new float[idx.length];
        for (int i = 0; i < idx.length; i++) {
          System.arraycopy(x, idx[i] * IN, xs, i * IN, IN);
          ys[i] = y[idx[i]];
        }
        return new Batches.Examples(new NDList(batch.create(xs, new Shape(idx.length, IN))),
            new NDList(batch.create(ys, new Shape(idx.length, 1))));
      });
    }

    @Override
    public NDArray loss(NDList outputs, NDList labels) {
      return Losses.mse(outputs.singletonOrThrow(), labels.singletonOrThrow());
    }

    @Override
    public String lossColumn() {
      return "train_mse";
    }

    @Override
    public List<String> validationColumns() {
      return List.of("val_mse");
    }

    @Override
    public Scores validate(Inference inference) {
      NDManager m = inference.manager().newSubManager();
      try (m) {
        NDArray xs = m.create(java.util.Arrays.copyOfRange(x, N * IN, x.length),
            new Shape(16, IN));
        NDArray ys = m.create(java.util.Arrays.copyOfRange(y, N, y.length), new Shape(16, 1));
        double mse = Losses.mse(inference.forward(new NDList(xs)).singletonOrThrow(), ys)
            .getFloat();
        return new Scores(mse, List.of(mse), String.format(Locale.ROOT, "val MSE %.4f", mse));
      }
    }

    @Override
    public boolean improves(double score, double best) {
      return score < best;
    }

    @Override
    public List<Charts.Curve> curves() {
      return List.of(new Charts.Curve("train", "train_mse", "MSE"));
    }
  }

  /** Epochs of five batches at a constant rate, with the intervals under test. */
  private record Plan(int valInterval, int patience, float plateauDecay, int epochs)
      implements TrainingPlan {
    /** Five epochs. */
    Plan(int valInterval, int patience, float plateauDecay) {
      this(valInterval, patience, plateauDecay, 5);
    }

    @Override
    public int batchSize() {
      return 8;
    }

    @Override
    public long seed() {
      return 7;
    }

    @Override
    public int maxBatchesPerEpoch() {
      return 0;
    }

    @Override
    public boolean recompute() {
      return false;
    }

    @Override
    public float weightDecay() {
      return 0;
    }

    @Override
    public float lr(int epoch, int batch, int batches, int decays) {
      return (float) (0.05 * Math.pow(plateauDecay, decays));
    }
  }

  /** Runs {@code plan} in {@code dir}; {@code killAt} > 0 throws after that many batches. */
  private static Trainer.Summary run(Plan plan, Path dir, boolean resume, int saveInterval,
      int killAt) throws IOException {
    return run(plan, dir, resume, saveInterval, killAt, "{}");
  }

  /** The same, a new run writing {@code config} as its config.json. */
  private static Trainer.Summary run(Plan plan, Path dir, boolean resume, int saveInterval,
      int killAt, String config) throws IOException {
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed(11);
      int[] seen = {0};
      try (Trainer t = new Trainer(new Regression(m, plan), plan, m,
          new PrintWriter(new StringWriter())).saveInterval(saveInterval)) {
        t.listen(new TrainingListener() {
          @Override
          public void onBatchEnd(int epoch, int batch, int batches, float loss) {
            if (++seen[0] == killAt) {
              throw new IllegalStateException("killed");
            }
          }
        });
        return t.fit(dir, resume, config);
      }
    }
  }

  private static void assertSameFiles(Path a, Path b) throws IOException {
    for (String f : new String[] {"metrics.csv", "batch_loss.csv"}) {
      Table x = Table.readCsv(a.resolve(f));
      Table y = Table.readCsv(b.resolve(f));
      assertThat(y.rowCount()).as(f).isEqualTo(x.rowCount());
      String loss = f.equals("metrics.csv") ? "train_mse" : "loss";
      assertThat(y.doubles(loss)).as(f).isEqualTo(x.doubles(loss));
      if (f.equals("metrics.csv")) {
        assertThat(y.doubles("val_mse")).isEqualTo(x.doubles("val_mse"));
        assertThat(y.doubles("lr")).isEqualTo(x.doubles("lr"));
      }
    }
  }

  @Test
  void aRunKilledAnywhereResumesBitForBit(@TempDir Path tmp) throws IOException {
    // Validation every 3 batches (and at each epoch's end), plateau decay, resume points every 2.
    Plan plan = new Plan(3, 100, 0.5f);
    Trainer.Summary straight = run(plan, tmp.resolve("straight"), false, 2, 0);
    for (int kill : new int[] {1, 4, 7, 13}) {
      Path dir = tmp.resolve("killed-" + kill);
      assertThatThrownBy(() -> run(plan, dir, false, 2, kill)).hasMessage("killed");
      Trainer.Summary resumed = run(plan, dir, true, 2, 0);
      assertSameFiles(tmp.resolve("straight"), dir);
      assertThat(resumed.bestScore()).as("kill at " + kill).isEqualTo(straight.bestScore());
      assertThat(resumed.bestEpoch()).isEqualTo(straight.bestEpoch());
    }
  }

  @Test
  void aRunCutShortOrLengthenedOnResumeIsTheRunOfThatManyEpochs(@TempDir Path tmp)
      throws IOException {
    // The plan's rate does not depend on its epochs, as under a step decay or a constant rate.
    Plan three = new Plan(0, 100, 0, 3);
    Plan five = new Plan(0, 100, 0, 5);
    Trainer.Summary straight3 = run(three, tmp.resolve("straight3"), false, 0, 0);
    run(five, tmp.resolve("straight5"), false, 0, 0);

    // Killed in its fourth epoch (batch 17 of 5 a epoch), then cut to the three it finished.
    Path cut = tmp.resolve("cut");
    assertThatThrownBy(() -> run(five, cut, false, 0, 17, "{\"train\": {\"epochs\": 5}}"))
        .hasMessage("killed");
    assertThatThrownBy(() -> run(new Plan(0, 100, 0, 2), cut, true, 0, 0))
        .hasMessage("the run has begun 3 epochs; it can be cut to no fewer (asked for 2)");
    assertThat(Files.readString(cut.resolve("config.json"))).contains("\"epochs\": 5")
        .doesNotContain("epochs_changed");
    Trainer.Summary s = run(three, cut, true, 0, 0);
    assertSameFiles(tmp.resolve("straight3"), cut);
    assertThat(s.bestScore()).isEqualTo(straight3.bestScore());
    assertThat(s.bestEpoch()).isEqualTo(straight3.bestEpoch());
    JsonObject config = JsonParser.parseString(Files.readString(cut.resolve("config.json")))
        .getAsJsonObject();
    assertThat(config.getAsJsonObject("train").get("epochs").getAsInt()).isEqualTo(3);
    JsonObject change = config.getAsJsonArray("epochs_changed").get(0).getAsJsonObject();
    assertThat(change.get("from").getAsInt()).isEqualTo(5);
    assertThat(change.get("to").getAsInt()).isEqualTo(3);

    // A finished three-epoch run lengthened to five.
    Path longer = tmp.resolve("longer");
    run(three, longer, false, 0, 0, "{\"train\": {\"epochs\": 3}}");
    run(five, longer, true, 0, 0);
    assertSameFiles(tmp.resolve("straight5"), longer);
  }

  @Test
  void patienceStopsTheRunAndTheBestIsKept(@TempDir Path tmp) throws IOException {
    // Validation after every batch at a rate that overshoots: soon no validation improves.
    Plan plan = new Plan(1, 2, 0);
    Trainer.Summary s = run(plan, tmp.resolve("p"), false, 0, 0);
    double[] val = Table.readCsv(tmp.resolve("p/metrics.csv")).doubles("val_mse");
    double best = java.util.Arrays.stream(val).min().orElseThrow();
    assertThat(s.bestScore()).isEqualTo(best);
    // Stopped two validations after the best, before the budget's 25.
    int at = java.util.stream.IntStream.range(0, val.length).filter(i -> val[i] == best)
        .findFirst().orElseThrow();
    assertThat(val.length).isEqualTo(Math.min(25, at + 3));
  }

  @Test
  void aStateWrittenBeforeTheSharedLoopResumes(@TempDir Path tmp) throws IOException {
    // A classify run's state.json of before the shared loop, killed after 3 batches of epoch 2:
    // no "rows" (its metrics.csv had one row per finished epoch) and "epochLoss" for the sum.
    Plan plan = new Plan(0, 100, 0);
    Path straight = tmp.resolve("straight");
    run(plan, straight, false, 3, 0);
    Path dir = tmp.resolve("old");
    assertThatThrownBy(() -> run(plan, dir, false, 3, 9)).hasMessage("killed");
    String state = Files.readString(dir.resolve("state.json"));
    assertThat(state).contains("\"batchesDone\": 3");
    String old = state.replaceAll("\"rows\": \\d+", "\"rows\": null")
        .replace("\"lossSum\"", "\"epochLoss\"").replaceAll("\"lossBatches\": \\d+", "\"lossBatches\": 0")
        .replace("\"segmentSeconds\"", "\"epochSeconds\"");
    Files.writeString(dir.resolve("state.json"), old);
    run(plan, dir, true, 3, 0);
    assertSameFiles(straight, dir);
  }
}
