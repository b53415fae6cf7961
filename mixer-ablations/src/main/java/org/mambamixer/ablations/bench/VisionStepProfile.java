package org.mambamixer.ablations.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.IntStream;
import org.mambamixer.ablations.profile.OpTrace;
import org.mambamixer.ablations.profile.StepProfiler;
import org.mambamixer.ablations.profile.TimedScan;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.runtime.data.ImageSet;
import org.mambamixer.runtime.data.Normalization;
import org.mambamixer.runtime.train.Accuracy;
import org.mambamixer.vision.data.Augmentation;
import org.mambamixer.vision.data.ImageDataset;
import org.mambamixer.vision.model.Vim2;
import org.mambamixer.vision.model.Vim2Config;
import org.mambamixer.vision.train.Classifier;
import org.mambamixer.runtime.train.ClassifierConfig;
import org.mambamixer.runtime.train.Trainer;
import org.mambamixer.vision.train.ClassifyRun;

/**
 * Times ViM2 classification training steps by phase and op family ({@link StepProfiler}), the
 * vision twin of {@link TrainStepProfile}: {@code warmup} untimed steps, {@code steps} timed ones,
 * one more under libtorch's profiler when {@code engineSplit} (the op families), then
 * {@code evalBatches} evaluation batches, on seeded random images of the preset's size (a step's
 * cost does not depend on the pixel values), trained exactly as {@code classify} trains (AdamW,
 * label smoothing, crop and flip).
 */
public final class VisionStepProfile {

  /** What to time; {@code widths} null keeps the preset's. */
  public record Options(String preset, List<Integer> widths, int batchSize, int evalBatchSize,
      int steps, int warmup, int evalBatches, String scan, boolean recompute,
      boolean engineSplit) {}

  private VisionStepProfile() {}

  /** Runs the passes and prints the tables to {@code out}. */
  public static void run(Options o, Variants variants, PrintStream out)
      throws IOException, TranslateException {
    Vim2Config mc = Vim2Config.preset(o.preset());
    if (o.widths() != null) {
      mc = mc.withWidths(o.widths());
    }
    TimedScan scan = new TimedScan(variants.scan(o.scan()));
    Path trace = o.engineSplit() ? Files.createTempFile("vim2-step", ".json") : null;
    StepProfiler profiler = new StepProfiler(o.warmup(), o.steps(), trace, scan);
    ImageSet train = randomImages(mc, profiler.batches() * o.batchSize(), 11);
    ImageSet eval = randomImages(mc, Math.max(1, o.evalBatches() * o.evalBatchSize()), 12);
    Normalization norm = Normalization.fit(train);
    ClassifierConfig tc = new ClassifierConfig(1, o.batchSize(), o.evalBatchSize(), 1e-3f, 1e-5f,
        0, 0.05f, 0.1f, 2021, 0).withRecompute(o.recompute());
    int cores = Runtime.getRuntime().availableProcessors();
    try (NDManager manager = NDManager.newBaseManager()) {
      manager.getEngine().setRandomSeed(2021);
      Vim2 model = ClassifyRun.build(mc, Vim2Config.VARIANTS, variants, scan);
      model.initialize(manager, DataType.FLOAT32, model.inputShape(o.batchSize()));
      long params = model.getParameters().stream()
          .mapToLong(p -> p.getValue().getArray().size()).sum();
      out.printf(Locale.ROOT, "ViM2 step profile: %s, widths %s, %d x %d x %d images, %,d"
          + " parameters, batch %d, scan %s (%d threads)%n", mc.name(), mc.widths(),
          mc.inChannels(), mc.imageSize(), mc.imageSize(), params, o.batchSize(), scan.name(),
          cores);
      ImageDataset data = ImageDataset.training(train, norm, new Augmentation(2, true),
          o.batchSize(), 2021);
      try (Trainer clf = new Trainer(new Classifier(model, tc, data, null), tc, manager,
          new PrintWriter(Writer.nullWriter()))) {
        clf.listen(profiler).train(0, 0, profiler.batches());
        OpTrace split = trace != null ? OpTrace.read(trace) : null;
        if (trace != null) {
          Files.delete(trace);
        }
        double meanStepMs = profiler.meanStepMs();
        out.printf(Locale.ROOT, "%nTraining step: median %.0f ms, mean %.0f ms over %d steps"
            + " (after %d warm-up steps), %.1f ms per image%n%n",
            profiler.medianStepMs(), meanStepMs, o.steps(), o.warmup(),
            meanStepMs / o.batchSize());
        StepReport.table(out, profiler.rows(split));

        if (o.evalBatches() > 0) {
          ImageDataset evalData = ImageDataset.evaluation(eval, norm, o.evalBatchSize());
          TimedScan.Totals s0 = scan.totals();
          long e0 = System.nanoTime();
          Accuracy acc = Classifier.evaluate(clf.inference(), evalData, mc.classes());
          long evalNanos = System.nanoTime() - e0;
          double batches = Math.ceil(eval.size() / (double) o.evalBatchSize());
          out.printf(Locale.ROOT, "%nEvaluation (no gradient): %.0f ms per batch of %d images,"
              + " %.1f ms per image (%d images, top-1 %.3f on random labels)%n",
              evalNanos / 1e6 / batches, o.evalBatchSize(), evalNanos / 1e6 / eval.size(),
              eval.size(), acc.top1());
          StepReport.evaluationScan(out, scan.totals().minus(s0), batches);
        }
        out.println();
        StepReport.memory(out);
        StepReport.bound(out, profiler, cores);
      }
    }
  }

  /** {@code n} seeded random images of the preset's size, labels cycling over its classes. */
  static ImageSet randomImages(Vim2Config mc, int n, long seed) {
    int s = mc.imageSize();
    byte[] pixels = new byte[n * s * s * mc.inChannels()];
    new Random(seed).nextBytes(pixels);
    int[] labels = IntStream.range(0, n).map(i -> i % mc.classes()).toArray();
    List<String> classes = IntStream.range(0, mc.classes()).mapToObj(Integer::toString).toList();
    return new ImageSet("random images (seed " + seed + ")", pixels, labels, s, s,
        mc.inChannels(), classes, 0);
  }
}
