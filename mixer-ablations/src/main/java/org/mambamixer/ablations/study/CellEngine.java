package org.mambamixer.ablations.study;

import java.util.List;
import java.util.function.Consumer;

/**
 * Where a study's cells run: in this JVM on a thread pool ({@link LocalEngine}), or as tasks of a
 * Spark job ({@link SparkEngine}). Either way each cell is {@link CellWorker#execute}.
 */
public interface CellEngine extends AutoCloseable {

  /** Runs the jobs, calling {@code done} as each finishes (on the driver), and returns every result. */
  List<CellResult> run(List<CellJob> jobs, Consumer<CellResult> done);

  @Override
  void close();
}
