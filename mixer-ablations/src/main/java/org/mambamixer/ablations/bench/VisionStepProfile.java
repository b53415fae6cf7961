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
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.api.util.OpTimer;
import org.mambamixer.api.util.OpTimer.Family;
import org.mambamixer.runtime.data.ImageSet;
import org.mambamixer.runtime.data.Normalization;
import org.mambamixer.runtime.report.ProcessMemory;
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
 * Times ViM2 classification training steps by op family ({@link OpTimer}), the vision twin of
 * {@link TrainStepProfile}: {@code warmup} untimed steps, {@code steps} timed ones, one more under
 * libtorch's profiler when {@code engineSplit} (the backward by autograd node), then
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
    SelectiveScan scan = variants.scan(o.scan());
    int trainImages = (o.warmup() + o.steps() + (o.engineSplit() ? 1 : 0)) * o.batchSize();
    ImageSet train = randomImages(mc, trainImages, 11);
    ImageSet eval = randomImages(mc, Math.max(1, o.evalBatches() * o.evalBatchSize()), 12);
    Normalization norm = Normalization.fit(train);
    ClassifierConfig tc = new ClassifierConfig(1, o.batchSize(), o.evalBatchSize(), 1e-3f, 1e-5f,
        0, 0.05f, 0.1f, 2021, 0).withRecompute(o.recompute());
    try (NDManager manager = NDManager.newBaseManager()) {
      manager.getEngine().setRandomSeed(2021);
      Vim2 model = ClassifyRun.build(mc, Vim2Config.VARIANTS, variants, scan);
      model.initialize(manager, DataType.FLOAT32, model.inputShape(o.batchSize()));
      long params = model.getParameters().stream()
          .mapToLong(p -> p.getValue().getArray().size()).sum();
      out.printf(Locale.ROOT, "ViM2 step profile: %s, widths %s, %d x %d x %d images, %,d"
          + " parameters, batch %d, scan %s (%d threads)%n", mc.name(), mc.widths(),
          mc.inChannels(), mc.imageSize(), mc.imageSize(), params, o.batchSize(), scan.name(),
          Runtime.getRuntime().availableProcessors());
      ImageDataset data = ImageDataset.training(train, norm, new Augmentation(2, true),
          o.batchSize(), 2021);
      try (Trainer clf = new Trainer(new Classifier(model, tc, data, null), tc, manager,
          new PrintWriter(Writer.nullWriter()))) {
        Path trace = Files.createTempFile("vim2-step", ".json");
        StepWindow window = new StepWindow(o.warmup(), o.steps(), o.engineSplit() ? trace : null);
        clf.listen(window).train(0, 0, clf.batchesPerEpoch());
        Map<Family, Long> wall = window.wall();
        Map<Family, Long> cpu = window.cpu();
        double meanStepMs = window.meanStepMs();
        out.printf(Locale.ROOT, "%nTraining step: median %.0f ms, mean %.0f ms over %d steps"
            + " (after %d warm-up steps), %.1f ms per image%n%n",
            window.medianStepMs(), meanStepMs, o.steps(), o.warmup(),
            meanStepMs / o.batchSize());
        TrainStepProfile.printFamilies(out, wall, cpu, o.steps(), "step");
        if (o.engineSplit()) {
          out.println();
          EngineSplit.print(out, EngineSplit.read(trace),
              wall.get(Family.ENGINE_BACKWARD) / 1e6 / o.steps());
        }
        Files.deleteIfExists(trace);

        if (o.evalBatches() > 0) {
          ImageDataset evalData = ImageDataset.evaluation(eval, norm, o.evalBatchSize());
          OpTimer.start();
          long e0 = System.nanoTime();
          Accuracy acc = Classifier.evaluate(clf.inference(), evalData, mc.classes());
          long evalNanos = System.nanoTime() - e0;
          OpTimer.stop();
          double batches = Math.ceil(eval.size() / (double) o.evalBatchSize());
          out.printf(Locale.ROOT, "%nEvaluation (no gradient): %.0f ms per batch of %d images,"
              + " %.1f ms per image (%d images, top-1 %.3f on random labels)%n%n",
              evalNanos / 1e6 / batches, o.evalBatchSize(), evalNanos / 1e6 / eval.size(),
              eval.size(), acc.top1());
          TrainStepProfile.printFamilies(out, OpTimer.totals(), OpTimer.cpuTotals(), batches,
              "batch");
        }

        double expPerCpuSecond = TrainStepProfile.expRates()[1];
        double boundCpuMs = 2.0 * window.scanElementsPerStep() / expPerCpuSecond * 1e3;
        double scanCpuMs = (cpu.get(Family.SCAN_FORWARD) + cpu.get(Family.SCAN_BACKWARD))
            / 1e6 / o.steps();
        double stepCpuMs = cpu.values().stream().mapToLong(Long::longValue).sum() / 1e6
            / o.steps();
        out.printf(Locale.ROOT, "%nScan exp bound: %.3g scan elements per step, 2 exps each"
            + " (forward + recompute), %.3g exp per CPU second -> %.0f ms CPU per step.%n",
            (double) window.scanElementsPerStep(), expPerCpuSecond, boundCpuMs);
        TrainStepProfile.printCores(out, wall, cpu, Runtime.getRuntime().availableProcessors());
        out.printf(Locale.ROOT, "Scan kernel fwd+bwd %.0f ms CPU = %.1fx the bound; whole step"
            + " %.0f ms CPU = %.1fx the bound.%n", scanCpuMs, scanCpuMs / boundCpuMs, stepCpuMs,
            stepCpuMs / boundCpuMs);
        out.printf(Locale.ROOT, "Peak RSS so far: %d MiB; JVM heap used %d MiB of %d MiB"
            + " committed.%n", ProcessMemory.peakRssMb(), TrainStepProfile.usedHeapMb(),
            Runtime.getRuntime().totalMemory() >> 20);
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
