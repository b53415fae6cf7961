package org.mambamixer.ablations.study;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.resource.ResourceInformation;

/**
 * {@code --engine spark}: each cell is one task of a Spark job of its own, so a study spreads over
 * a cluster's executors ({@code --master spark://host:7077}, YARN or Kubernetes) or runs
 * in-process with {@code local[N]}. Each cell's outcome reaches the driver when that cell ends,
 * so a driver that dies keeps what finished. A shared file system must hold the study directory,
 * since every cell writes its run directory where the driver will read it.
 *
 * <p>Executors run each cell with the class path Spark gives them ({@link CellWorker#classPath}).
 * With a master outside this JVM the driver ships its own class path's jars ({@code spark.jars}),
 * unless {@code --spark-conf} sets {@code spark.jars} or {@code spark.executor.extraClassPath}
 * (jars installed on the nodes).
 *
 * <p>GPUs on a cluster: pass {@code --spark-conf spark.task.resource.gpu.amount=1}, {@code
 * --spark-conf spark.executor.resource.gpu.amount=N} and the executors' discovery script
 * ({@code spark.executor.resource.gpu.discoveryScript}), and put {@code --scan auto} (or
 * {@code cuda}) in the study's base flags. Spark then runs at most N cells per executor at once,
 * and each cell's JVM sees only the devices its task was given ({@code CUDA_VISIBLE_DEVICES}).
 */
public final class SparkEngine implements CellEngine {
  /** How long the driver waits for a standalone master to accept a connection. */
  private static final int CONNECT_MILLIS = 5_000;
  /** How often the driver looks for finished cells. */
  private static final long POLL_MILLIS = 200;

  private final JavaSparkContext spark;

  /**
   * @param settings Spark settings given with {@code --spark-conf}, applied over the defaults
   * @throws IOException when a standalone master ({@code spark://}) cannot be reached: Spark itself
   *     would retry for a minute, logging each attempt, before failing the first job
   */
  public SparkEngine(String master, String appName, Map<String, String> settings)
      throws IOException {
    requireReachable(master);
    SparkConf conf = new SparkConf().setMaster(master).setAppName("mambamixer-" + appName);
    settings(master, settings, System.getProperty("java.class.path")).forEach(conf::set);
    spark = new JavaSparkContext(conf);
    spark.setLogLevel("WARN");
  }

  /**
   * The settings the engine runs with: {@code given} over its defaults, and for a master outside
   * this JVM the jars of {@code classPath} to ship, unless {@code given} says where the jars are.
   */
  static Map<String, String> settings(String master, Map<String, String> given,
      String classPath) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("spark.ui.enabled", "false");
    boolean inProcess = master.equals("local") || master.startsWith("local[");
    if (!inProcess && !given.containsKey("spark.jars")
        && !given.containsKey("spark.executor.extraClassPath")) {
      // Class folders cannot be shipped (Spark refuses them); a cell that needs one fails, named.
      s.put("spark.jars", String.join(",", Arrays.stream(classPath.split(File.pathSeparator))
          .filter(e -> e.endsWith(".jar") && new File(e).isFile()).toList()));
    }
    s.putAll(given);
    return s;
  }

  /** Fails at once, in one sentence, when no master of a {@code spark://} URL answers. */
  static void requireReachable(String master) throws IOException {
    if (!master.startsWith("spark://")) {
      return; // local needs no network; YARN and Kubernetes find their masters by their config
    }
    List<String> why = new ArrayList<>();
    // A standalone URL may list several masters (spark://h1:7077,h2:7077): one is enough.
    for (String hostPort : master.substring("spark://".length()).split(",")) {
      int colon = hostPort.lastIndexOf(':');
      String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
      int port;
      try {
        port = colon < 0 ? 7077 : Integer.parseInt(hostPort.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IOException("Spark master " + master + ": '" + hostPort.substring(colon + 1)
            + "' is not a port");
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(host, port), CONNECT_MILLIS);
        return;
      } catch (UnknownHostException e) {
        why.add(host + ": unknown host");
      } catch (IOException e) {
        why.add(host + ":" + port + ": " + (e.getMessage() == null ? "no answer" : e.getMessage()));
      }
    }
    throw new IOException("cannot reach the Spark master " + master + " (" + String.join("; ", why)
        + ")");
  }

  @Override
  public List<CellResult> run(List<CellJob> jobs, Consumer<CellResult> done) {
    // One job per cell, all submitted at once: the scheduler runs them as slots free up, and each
    // result comes back on its own instead of with the slowest cell's.
    Map<CellJob, JavaFutureAction<List<CellResult>>> pending = new LinkedHashMap<>();
    for (CellJob job : jobs) {
      pending.put(job, spark.parallelize(List.of(job), 1)
          .map(SparkEngine::executeOnAssignedDevices).collectAsync());
    }
    List<CellResult> results = new ArrayList<>();
    try {
      while (!pending.isEmpty()) {
        // Read before the scan, so a cell that ended before Spark stopped is still seen as ended.
        boolean stopped = spark.sc().isStopped();
        var it = pending.entrySet().iterator();
        while (it.hasNext()) {
          var e = it.next();
          if (e.getValue().isDone()) {
            it.remove();
            CellResult r = outcome(e.getKey(), e.getValue());
            done.accept(r);
            results.add(r);
          }
        }
        if (stopped) {
          // Spark gave up (e.g. no executor would start): jobs submitted after that never end.
          for (CellJob job : pending.keySet()) {
            CellResult r = new CellResult(job.cellId(), 1, Map.of(), 0,
                "Spark: the application stopped before this cell ran (Spark's log says why)");
            done.accept(r);
            results.add(r);
          }
          pending.clear();
        }
        Thread.sleep(POLL_MILLIS);
      }
    } catch (InterruptedException e) {
      pending.values().forEach(f -> f.cancel(true));
      Thread.currentThread().interrupt();
      throw new IllegalStateException("study interrupted", e);
    }
    return results;
  }

  /** The cell's result, or a failed one when Spark could not run its task (lost executor, ...). */
  private static CellResult outcome(CellJob job, JavaFutureAction<List<CellResult>> f)
      throws InterruptedException {
    try {
      return f.get().get(0);
    } catch (ExecutionException e) {
      Throwable c = e.getCause() == null ? e : e.getCause();
      String msg = c.getMessage() == null ? c.toString() : c.getMessage().lines().findFirst()
          .orElse("");
      return new CellResult(job.cellId(), 1, Map.of(), 0, "Spark: " + msg);
    }
  }

  /** Runs a cell inside its task, limited to the GPUs the scheduler gave that task (if any). */
  static CellResult executeOnAssignedDevices(CellJob job) {
    return CellWorker.execute(job, deviceEnvironment(TaskContext.get()), 0);
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
