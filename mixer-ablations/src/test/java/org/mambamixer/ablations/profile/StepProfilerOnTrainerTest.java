package org.mambamixer.ablations.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.dataset.Batch;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mambamixer.ablations.Assembled;
import org.mambamixer.api.mixer.SelectiveMixer;
import org.mambamixer.api.scan.ScanRoute;
import org.mambamixer.api.ssm.S6Config;
import org.mambamixer.runtime.report.Charts;
import org.mambamixer.runtime.train.Losses;
import org.mambamixer.runtime.train.Trainer;
import org.mambamixer.runtime.train.TrainingPlan;
import org.mambamixer.runtime.train.TrainingTask;

/**
 * The step profiler attached to the one training loop as the step commands will attach it: the
 * loop's phases become its parts, the scan kernel lands in the forward and the backward.
 */
class StepProfilerOnTrainerTest {
  private static final Shape X = new Shape(2, 5, 4); // (B, L, d_model)

  @Test
  void theTrainersPhasesAndTheKernelsTimeMakeTheTable(@TempDir Path dir) throws Exception {
    TimedScan scan = new TimedScan(Assembled.variants().scan("fused"));
    StepProfiler profiler = new StepProfiler(1, 2, dir.resolve("trace.json"), scan);
    try (NDManager m = NDManager.newBaseManager()) {
      SelectiveMixer model = new SelectiveMixer(new S6Config(4, 2, 3, 3, 2, 1e-3f, 1e-1f, 1e-4f),
          1, List.of(ScanRoute.FORWARD, ScanRoute.BACKWARD), scan);
      model.initialize(m, DataType.FLOAT32, X);
      try (Trainer trainer = new Trainer(new Toy(model, 2 * profiler.batches()), new Plan(), m,
          new PrintWriter(new StringWriter()))) {
        trainer.listen(profiler);
        trainer.train(0, 0, profiler.batches());
      }
    }
    List<StepProfiler.Row> rows = profiler.rows(OpTrace.read(dir.resolve("trace.json")));
    assertThat(rows.stream().map(StepProfiler.Row::part).distinct()).containsExactly(
        StepProfiler.OUTSIDE, "data", "forward", "loss", "backward", "optimizer");
    assertThat(families(rows, StepProfiler.OUTSIDE)).containsExactly("outside the loop's phases");
    assertThat(families(rows, "forward")).contains("scan kernel forward", "linear / matmul")
        .doesNotContain("scan kernel backward");
    assertThat(families(rows, "backward")).contains("scan kernel backward",
        "backward of linear / matmul").doesNotContain("scan kernel forward");
    double wall = rows.stream().mapToDouble(StepProfiler.Row::wallMs).sum();
    assertThat(wall).isCloseTo(profiler.meanStepMs(), within(0.01 * profiler.meanStepMs()));
    // Two timed steps, each one fused call over 2 routes x (2 * 8 * 5 * 3) elements.
    assertThat(profiler.scanTotals().elements()).isEqualTo(2 * 480);
    assertThat(profiler.scanTotals().backwardCalls()).isEqualTo(2);
  }

  private static List<String> families(List<StepProfiler.Row> rows, String part) {
    return rows.stream().filter(r -> r.part().equals(part)).map(StepProfiler.Row::family)
        .toList();
  }

  /** Random batches, a squared error: the least a task needs to be trained. */
  private record Toy(Block model, int trainSize) implements TrainingTask {
    @Override
    public String name() {
      return "toy";
    }

    @Override
    public Iterator<Batch> batches(NDManager manager, int epoch, int from) {
      return Stream.generate(() -> {
        NDManager batch = manager.newSubManager(); // a batch closes its manager
        return new Batch(batch, new NDList(batch.randomNormal(X)),
            new NDList(batch.randomNormal(X)), 2, null, null, 0, 0);
      }).iterator();
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
      return List.of();
    }

    @Override
    public Scores validate(Inference model) {
      return null;
    }

    @Override
    public boolean improves(double score, double best) {
      return true;
    }

    @Override
    public List<Charts.Curve> curves() {
      return List.of();
    }
  }

  private static final class Plan implements TrainingPlan {
    @Override
    public int epochs() {
      return 1;
    }

    @Override
    public int batchSize() {
      return 2;
    }

    @Override
    public long seed() {
      return 1;
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
      return 1e-3f;
    }
  }
}
