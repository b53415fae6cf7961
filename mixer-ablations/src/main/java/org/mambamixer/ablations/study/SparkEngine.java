package org.mambamixer.ablations.study;

import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * {@code --engine spark}: each cell is one task of one Spark job, so a study spreads over a
 * cluster's executors ({@code --master spark://host:7077}, YARN or Kubernetes) or runs in-process
 * with {@code local[N]}. Executors need the launcher's class path (the same jars: ship them with
 * {@code spark-submit --jars} or install them on the nodes) and a shared file system for the study
 * directory, since every cell writes its run directory where the driver will read it.
 *
 * <p>GPUs on a cluster: set {@code spark.task.resource.gpu.amount=1} and
 * {@code spark.executor.resource.gpu.amount} (plus a discovery script) so each cell task gets one
 * device, and put {@code --scan auto} (or {@code cuda}) in the study's base flags.
 */
public final class SparkEngine implements CellEngine {
  private final JavaSparkContext spark;

  public SparkEngine(String master, String appName) {
    SparkConf conf = new SparkConf().setMaster(master).setAppName("mambamixer-" + appName)
        .setIfMissing("spark.ui.enabled", "false")
        // One cell per task: a cell is minutes of work, so no task should queue behind another.
        .setIfMissing("spark.default.parallelism", "1024");
    spark = new JavaSparkContext(conf);
    spark.setLogLevel("WARN");
  }

  @Override
  public List<CellResult> run(List<CellJob> jobs, Consumer<CellResult> done) {
    if (jobs.isEmpty()) {
      return List.of();
    }
    List<CellResult> results =
        spark.parallelize(jobs, jobs.size()).map(CellWorker::execute).collect();
    results.forEach(done);
    return results;
  }

  @Override
  public void close() {
    spark.close();
  }
}
