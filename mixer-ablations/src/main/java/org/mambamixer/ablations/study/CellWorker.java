package org.mambamixer.ablations.study;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.mambamixer.ablations.cli.Main;
import org.mambamixer.cuda.cpu.FusedMixerKernel;
import org.mambamixer.runtime.report.Table;

/**
 * Runs one cell on whichever machine this is, in a child JVM of its own: DJL's PyTorch engine
 * allows one gradient collector per process, so two cells can never train in one JVM, and a child
 * also gives each cell its own memory and a clean exit. The child is the launcher itself (same
 * Java, the class path this JVM was given ({@link #classPath}), the JVM flags below), its output
 * goes to the cell's {@code log.txt}, and the metrics come from the run's {@code results.csv}.
 * Never throws: a failure becomes a {@link CellResult} with its error.
 */
public final class CellWorker {
  /** What the launcher script gives its JVM, and Spark's opens so a cell could run Spark too. */
  private static final List<String> JVM_FLAGS = Stream.concat(Stream.of("--add-modules",
      "jdk.incubator.vector", "-Dai.djl.offline=true", "-Djava.awt.headless=true",
      "-Dorg.slf4j.simpleLogger.log.ai.djl=warn",
      "-Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils=error"),
      FusedMixerKernel.JVM_FLAGS.stream()).toList();

  private CellWorker() {}

  public static CellResult execute(CellJob job) {
    return execute(job, Map.of(), 0);
  }

  /**
   * Runs {@code job} with {@code env} added to the child's environment, e.g. the
   * {@code CUDA_VISIBLE_DEVICES} of the devices a cluster scheduler gave the task, and with
   * {@code threads} cores (0: all of the machine's). The child's JVM then reports that many
   * processors, which sizes the scan kernels' workers, and libtorch takes as many from
   * {@code OMP_NUM_THREADS}.
   */
  public static CellResult execute(CellJob job, Map<String, String> env, int threads) {
    long t0 = System.nanoTime();
    Path dir = Path.of(job.runDir());
    int code;
    String error = "";
    Map<String, Double> metrics = new LinkedHashMap<>();
    try {
      Files.createDirectories(dir);
      Path log = dir.resolve("log.txt");
      List<String> command = command(job, threads);
      Files.writeString(log, "# " + String.join(" ", job.args()) + " --run-dir " + dir + "\n",
          StandardCharsets.UTF_8);
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      pb.environment().putIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
      pb.environment().putAll(threadEnvironment(threads));
      pb.environment().putAll(env);
      Process p = pb.start();
      try {
        code = p.waitFor();
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while the cell ran", e);
      }
      if (code != 0) {
        error = "exit code " + code + ": " + lastLine(log);
      } else {
        Table results = Table.readCsv(dir.resolve("results.csv"));
        for (String m : job.metrics()) {
          if (!results.columns().contains(m)) {
            throw new IOException("results.csv has no column '" + m + "' (has "
                + results.columns() + ")");
          }
          metrics.put(m, results.doubles(m)[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      code = 1;
      error = e.getClass().getSimpleName() + ": " + e.getMessage();
      metrics.clear();
    }
    return new CellResult(job.cellId(), code, metrics, (System.nanoTime() - t0) / 1e9, error);
  }

  /** The child JVM's command line for {@code job} on {@code threads} cores (0: all). */
  static List<String> command(CellJob job, int threads) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(JVM_FLAGS);
    command.add("-Xmx" + System.getProperty("mambamixer.cell.heap", "4g"));
    if (threads > 0) {
      command.add("-XX:ActiveProcessorCount=" + threads);
    }
    command.addAll(List.of("-cp", classPath(), Main.class.getName()));
    command.addAll(job.args());
    command.addAll(List.of("--run-dir", job.runDir()));
    return command;
  }

  /** What the child's environment gets for {@code threads} cores: libtorch's thread count. */
  static Map<String, String> threadEnvironment(int threads) {
    return threads > 0 ? Map.of("OMP_NUM_THREADS", Integer.toString(threads)) : Map.of();
  }

  /**
   * The class path a cell's JVM gets: this JVM's own, then the jars its class loaders took on at
   * run time. A Spark executor's own class path holds Spark and what its nodes installed; the
   * jars the application shipped ({@code spark.jars}) are only on the task's class loader.
   */
  static String classPath() {
    Set<String> entries = new LinkedHashSet<>(
        List.of(System.getProperty("java.class.path").split(File.pathSeparator)));
    for (ClassLoader l = Thread.currentThread().getContextClassLoader(); l != null;
        l = l.getParent()) {
      if (l instanceof URLClassLoader u) {
        for (URL url : u.getURLs()) {
          if (url.getProtocol().equals("file")) {
            try {
              entries.add(Path.of(url.toURI()).toString());
            } catch (URISyntaxException e) {
              throw new IllegalStateException("class loader URL " + url, e);
            }
          }
        }
      }
    }
    entries.remove("");
    return String.join(File.pathSeparator, entries);
  }

  private static String lastLine(Path log) {
    try {
      // A runtime failure ends with "mambamixer <command>: why"; a usage error starts with its
      // reason, before the usage text.
      List<String> lines = Files.readAllLines(log);
      for (int i = lines.size() - 1; i >= 0; i--) {
        if (lines.get(i).startsWith("mambamixer ")) {
          return lines.get(i);
        }
      }
      return lines.stream().filter(l -> !l.startsWith("#") && !l.startsWith("WARNING")
          && !l.isBlank()).findFirst().orElse("");
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
