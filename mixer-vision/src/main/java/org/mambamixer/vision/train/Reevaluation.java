package org.mambamixer.vision.train;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.runtime.data.ImageSet;
import org.mambamixer.runtime.data.Normalization;
import org.mambamixer.runtime.train.TrainingTask;
import org.mambamixer.runtime.report.Table;
import org.mambamixer.vision.data.ImageDataset;

/**
 * A trained classifier's checkpoint evaluated again, split by split: the images as given and,
 * optionally, with flip test-time augmentation ({@link Classifier.Views}). What a run reported
 * used one view of the test split; this measures the same weights under another protocol without
 * training again.
 */
public final class Reevaluation {

  /**
   * One split's scores.
   *
   * @param flipTop1 top-1 of the flip-averaged probabilities; NaN when not asked for
   */
  public record Row(String split, int images, double top1, double top5, double flipTop1,
      double flipTop5, double seconds) {}

  private final Variants variants;
  private final SelectiveScan scan;
  private final PrintWriter log;

  public Reevaluation(Variants variants, SelectiveScan scan, PrintWriter log) {
    this.variants = variants;
    this.scan = scan;
    this.log = log;
  }

  /**
   * Restores {@code checkpoint} (weights only) into the model {@code origin} names and scores
   * each split, in the map's order.
   */
  public List<Row> execute(ClassifyRun.Origin origin, Path checkpoint,
      Map<String, ImageSet> splits, Normalization norm, int evalBatchSize, boolean flip)
      throws IOException, TranslateException {
    List<Row> rows = new ArrayList<>();
    try (NDManager manager = NDManager.newBaseManager()) {
      try (Model djl = ClassifyRun.restore(origin, checkpoint, variants, scan, manager)) {
        TrainingTask.Inference clf = TrainingTask.Inference.of(djl.getBlock(), manager);
        for (Map.Entry<String, ImageSet> e : splits.entrySet()) {
          log.printf(Locale.ROOT, "%s: %d images%s...%n", e.getKey(), e.getValue().size(),
              flip ? ", each also mirrored" : "");
          log.flush();
          long t0 = System.nanoTime();
          Classifier.Views v = Classifier.evaluate(clf,
              ImageDataset.evaluation(e.getValue(), norm, evalBatchSize),
              origin.model().classes(), flip);
          rows.add(new Row(e.getKey(), e.getValue().size(), v.single().top1(),
              v.single().top5(), flip ? v.flipAveraged().top1() : Double.NaN,
              flip ? v.flipAveraged().top5() : Double.NaN, (System.nanoTime() - t0) / 1e9));
        }
      }
    }
    return rows;
  }

  /** The rows as a table naming the run and checkpoint; flip columns only when measured. */
  public static Table table(String run, String checkpoint, ClassifyRun.Origin origin,
      List<Row> rows, boolean flip) {
    List<String> columns = new ArrayList<>(List.of("run", "checkpoint", "dataset", "split",
        "images", "top1", "top5"));
    if (flip) {
      columns.addAll(List.of("flip_top1", "flip_top5"));
    }
    columns.add("seconds");
    Table t = Table.of(columns);
    for (Row r : rows) {
      List<Object> cells = new ArrayList<>(List.of(run, checkpoint, origin.dataset(), r.split(),
          r.images(), r.top1(), r.top5()));
      if (flip) {
        cells.addAll(List.of(r.flipTop1(), r.flipTop5()));
      }
      cells.add(Math.round(r.seconds() * 10) / 10.0);
      t = t.append(cells);
    }
    return t;
  }
}
