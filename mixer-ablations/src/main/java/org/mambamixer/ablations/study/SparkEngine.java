package org.mambamixer.ablations.study;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.resource.ResourceInformation;

/**
 * {@code --engine spark}: each cell is one task of one Spark job, so a study spreads over a
 * cluster's executors ({@code --master spark://host:7077}, YARN or Kubernetes) or runs in-process
 * with {@code local[N]}. Executors need the launcher's class path (the same jars: ship them with
 * {@code spark-submit --jars} or install them on the nodes) and a shared file system for the study
 * directory, since every cell writes its run directory where the driver will read it.
 *
 * <p>GPUs on a cluster: pass {@code --spark-conf spark.task.resource.gpu.amount=1}, {@code
 * --spark-conf spark.executor.resource.gpu.amount=N} and the executors' discovery script
 * ({@code spark.executor.resource.gpu.discoveryScript}), and put {@code --scan auto} (or
 * {@code cuda}) in the study's base flags. Spark then runs at most N cells per executor at once,
 * and each cell's JVM sees only the devices its task was given ({@code CUDA_VISIBLE_DEVICES}).
 */
public final class SparkEngine implements CellEngine {
  private final JavaSparkContext spark;

  /**
   * @param settings Spark settings given with {@code --spark-conf}, applied over the defaults
   */
  public SparkEngine(String master, String appName, Map<String, String> settings) {
    SparkConf conf = new SparkConf().setMaster(master).setAppName("mambamixer-" + appName);
    settings.forEach(conf::set);
    conf.setIfMissing("spark.ui.enabled", "false")
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
        spark.parallelize(jobs, jobs.size()).map(SparkEngine::executeOnAssignedDevices).collect();
    results.forEach(done);
    return results;
  }

  /** Runs a cell inside its task, limited to the GPUs the scheduler gave that task (if any). */
  static CellResult executeOnAssignedDevices(CellJob job) {
    return CellWorker.execute(job, deviceEnvironment(TaskContext.get()));
  }

  /** {@code CUDA_VISIBLE_DEVICES} for the task's {@code gpu} resource; empty without one. */
  static Map<String, String> deviceEnvironment(TaskContext task) {
    ResourceInformation gpu = task == null ? null : task.resourcesJMap().get("gpu");
    if (gpu == null || gpu.addresses().length == 0) {
      return Map.of();
    }
    return Map.of("CUDA_VISIBLE_DEVICES", String.join(",", gpu.addresses()));
  }

  @Override
  public void close() {
    spark.close();
  }
}
