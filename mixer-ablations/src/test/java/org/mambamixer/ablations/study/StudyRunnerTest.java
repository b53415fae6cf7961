package org.mambamixer.ablations.study;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mambamixer.ablations.ToySeries;
import org.mambamixer.ablations.cli.Main;
import org.mambamixer.runtime.report.Table;

/** A tiny study end to end with both engines: cells, failures recorded, summary, resume. */
class StudyRunnerTest {
  @TempDir Path tmp;

  private Path study(String name, String levels) throws Exception {
    Path csv = ToySeries.write(tmp.resolve("toy.csv"), 300, 2);
    Path file = tmp.resolve(name + ".json");
    Files.writeString(file, """
        {"name": "%s", "command": "forecast",
         "base": ["--data", "%s", "--lookback", "32", "--horizon", "8", "--epochs", "1",
                  "--max-batches", "2", "--d-model", "8", "--layers", "1", "--d-state", "4",
                  "--scan", "cpu"],
         "axes": {"variant": {%s}},
         "seeds": [1, 2],
         "reference": {"axis": "variant", "level": "full"}}
        """.formatted(name, csv, levels));
    return file;
  }

  private int run(StringWriter out, String... args) {
    return Main.run(args, new PrintWriter(out, true), new PrintWriter(out, true));
  }

  @Test
  void localEngineRunsEveryCellRecordsFailuresAndResumes() throws Exception {
    Path file = study("tiny", """
        "full": [], "residual": ["--skip", "residual"], "broken": ["--dropout", "2"]
        """); // a dropout outside [0, 1): only the model's config can tell
    StringWriter out = new StringWriter();
    assertThat(run(out, "ablate", "--study", file.toString(), "--studies-dir",
        tmp.resolve("studies").toString(), "--jobs", "2")).as(out.toString())
        .isEqualTo(1); // the broken level
    Path dir = tmp.resolve("studies/tiny");
    Table cells = Table.readCsv(dir.resolve("cells.csv"));
    assertThat(cells.rowCount()).isEqualTo(6);
    assertThat(cells.columns()).contains("variant", "seed", "status", "mse", "mae", "error");
    long failed = java.util.stream.IntStream.range(0, 6)
        .filter(i -> cells.get(i, "status").equals("failed")).count();
    assertThat(failed).isEqualTo(2);
    for (int i = 0; i < 6; i++) {
      String variant = String.valueOf(cells.get(i, "variant"));
      assertThat(String.valueOf(cells.get(i, "error"))).as(variant)
          .startsWith(variant.equals("broken") ? "exit code " : "");
    }
    Table summary = Table.readCsv(dir.resolve("summary.csv"));
    assertThat(summary.rowCount()).isEqualTo(3);
    assertThat(summary.columns()).contains("mse_mean", "mse_std", "mse_delta", "mse_delta_low",
        "mse_delta_high", "mse_welch_t");
    double[] delta = summary.doubles("mse_delta");
    assertThat(delta[0]).isZero(); // the reference against itself
    // Two seeds a row: residual's difference to the reference has a 95 % interval around it.
    assertThat(summary.doubles("mse_delta_low")[1]).isLessThan(delta[1]);
    assertThat(summary.doubles("mse_delta_high")[1]).isGreaterThan(delta[1]);
    assertThat(summary.doubles("mse_std")[0]).isPositive(); // two seeds differ
    assertThat(dir.resolve("summary.png")).isNotEmptyFile();
    assertThat(dir.resolve("summary.md")).isNotEmptyFile();
    // Every cell is an ordinary run directory that names its variants.
    assertThat(Files.readString(dir.resolve("cells/residual-s1/H8/config.json")))
        .contains("\"skip\": \"residual\"");

    // A cell cut off after its run directory was written (no outcome) runs again from scratch.
    Files.delete(dir.resolve("cells/full-s1/outcome.json"));
    StringWriter again = new StringWriter();
    run(again, "ablate", "--study", file.toString(), "--studies-dir",
        tmp.resolve("studies").toString(), "--resume");
    assertThat(again.toString()).contains("6 cells (3 finished earlier, 3 to run)")
        .contains("full-s1 ok");
    assertThat(dir.resolve("cells/full-s1/outcome.json")).isRegularFile();
  }

  @Test
  void sparkEngineHandsOverEachCellWhenItEndsNotWithTheLast() throws Exception {
    Path csv = study("unused", "\"full\": []").resolveSibling("toy.csv");
    // A usage error ends in the time a JVM takes to start; the forecast trains for seconds more.
    CellJob quick = new CellJob("quick", List.of("variants"), tmp.resolve("quick").toString(),
        List.of());
    Path slowDir = tmp.resolve("slow");
    CellJob slow = new CellJob("slow", List.of("forecast", "--data", csv.toString(),
        "--lookback", "32", "--horizon", "8", "--epochs", "2", "--max-batches", "20",
        "--d-model", "8", "--layers", "1", "--d-state", "4", "--scan", "cpu"),
        slowDir.toString(), List.of("mse"));
    List<String> seen = new java.util.ArrayList<>();
    try (SparkEngine spark = new SparkEngine("local[2]", "handover", java.util.Map.of())) {
      List<CellResult> results = spark.run(List.of(slow, quick), r -> seen.add(r.cellId()
          + (Files.exists(slowDir.resolve("H8/results.csv")) ? " after slow" : " before slow")));
      assertThat(results).hasSize(2);
    }
    assertThat(seen).containsExactly("quick before slow", "slow after slow");
  }

  /**
   * A cluster in miniature: two workers, each starting its executor as a JVM of its own from a
   * Spark home that holds every third-party jar and none of the project's. The project's jars
   * reach the executors only as Spark ships them ({@code spark.jars}), so a cell runs only if it
   * takes the class path Spark gave its executor.
   */
  @Test
  void cellsRunInSeparateExecutorJvmsWithTheJarsSparkShipped() throws Exception {
    Path file = study("cluster", "\"full\": [], \"residual\": [\"--skip\", \"residual\"]");
    Path sparkHome = Files.createDirectories(tmp.resolve("spark-home/jars"));
    Path app = Files.createDirectories(tmp.resolve("app"));
    List<String> appJars = new java.util.ArrayList<>();
    for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      Path p = Path.of(e);
      if (e.endsWith("test-classes") || e.endsWith("-tests.jar")) {
        continue;
      }
      if (Files.isDirectory(p)) { // a module's classes in this build: target/classes
        appJars.add(jar(p, app.resolve(p.getParent().getParent().getFileName() + ".jar")));
      } else if (p.getFileName().toString().startsWith("mixer-")) {
        appJars.add(e);
      } else if (!Files.exists(sparkHome.resolve(p.getFileName()))) {
        Files.createSymbolicLink(sparkHome.resolve(p.getFileName()), p.toAbsolutePath());
      }
    }
    List<String> cmd = new java.util.ArrayList<>(List.of(
        ProcessHandle.current().info().command().orElseThrow()));
    cmd.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()
        .stream().filter(a -> a.startsWith("--add-")).toList());
    cmd.addAll(List.of("-Xmx1g", "-cp", String.join(java.io.File.pathSeparator, appJars)
        + java.io.File.pathSeparator + sparkHome.resolve("*"), Main.class.getName(),
        "ablate", "--study", file.toString(), "--studies-dir", tmp.resolve("studies").toString(),
        "--engine", "spark", "--master", "local-cluster[2,1,1024]",
        "--spark-conf", "spark.jars=" + String.join(",", appJars)));
    Path log = tmp.resolve("driver.log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().put("SPARK_HOME", sparkHome.getParent().toString());
    // What a Spark distribution's scripts set, and a worker needs to build an executor's command.
    pb.environment().put("SPARK_SCALA_VERSION", "2.13");
    Process driver = pb.start();
    assertThat(driver.waitFor(300, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    String output = Files.readString(log);
    assertThat(driver.exitValue()).as(output).isZero();
    Table cells = Table.readCsv(tmp.resolve("studies/cluster/cells.csv"));
    assertThat(List.of(cells.get(0, "status"), cells.get(1, "status")))
        .containsExactly("ok", "ok");
    // A worker starts each executor as a process with its output in its own folder, and Spark
    // put the jars it shipped there.
    try (var files = Files.walk(sparkHome.resolveSibling("work"))) {
      List<Path> executors = files.filter(f -> f.getFileName().toString()
          .equals("mixer-ablations.jar")).map(Path::getParent).toList();
      assertThat(executors).isNotEmpty()
          .allSatisfy(d -> assertThat(d.resolve("stderr")).isRegularFile());
    }
  }

  /** {@code classes} (a folder) packed as the jar {@code to}; returns its path. */
  private static String jar(Path classes, Path to) throws java.io.IOException {
    try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(to));
        var files = Files.walk(classes)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        out.putNextEntry(new java.util.jar.JarEntry(classes.relativize(f).toString()));
        Files.copy(f, out);
      }
    }
    return to.toString();
  }

  @Test
  void aTypoInAnyCellStopsTheStudyBeforeAnyCellRuns() throws Exception {
    for (String[] typo : new String[][] {
        {"\"--lookbak\", \"32\"", "cell typo-s1: Unknown options: '--lookbak'"},
        {"\"--token-mixer\", \"no-such-mixer\"", "cell typo-s1: unknown token mixer"},
        {"\"--channel-mixer\", \"no-such-mixer\"", "cell typo-s1: unknown channel mixer"},
        {"\"--skip\", \"residual\"", "cell full-s1: unknown scan backend"},
        {"\"--epochs\", \"two\"", "cell typo-s1: Invalid value for option '--epochs'"}}) {
      Path file = study("typos", "\"full\": [], \"typo\": [" + typo[0] + "]");
      if (typo[1].contains("scan")) { // in the base flags, so every cell has it
        Files.writeString(file, Files.readString(file).replace("\"cpu\"", "\"no-such-scan\""));
      }
      StringWriter out = new StringWriter();
      long t0 = System.nanoTime();
      assertThat(run(out, "ablate", "--study", file.toString(), "--studies-dir",
          tmp.resolve("studies").toString())).as(out.toString()).isEqualTo(2);
      assertThat((System.nanoTime() - t0) / 1e9).isLessThan(10);
      assertThat(out.toString().lines().findFirst().orElseThrow())
          .startsWith(file + ": " + typo[1]);
      assertThat(tmp.resolve("studies/typos")).doesNotExist(); // no cell ran, nothing written
    }
  }

  @Test
  void everyShippedStudyPassesTheCheck() throws Exception {
    List<Path> studies;
    try (var files = Files.list(Path.of("..", "studies"))) {
      studies = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    }
    assertThat(studies).hasSizeGreaterThanOrEqualTo(5);
    for (Path f : studies) {
      AblateCommand.checkCells(Study.read(f), org.mambamixer.ablations.Assembled.injector());
    }
  }

  @Test
  void aMalformedStudyIsNamedWithItsLineAndColumn() throws Exception {
    Path file = tmp.resolve("malformed.json");
    for (String[] bad : new String[][] {
        {"{\"name\": \"m\",\n \"seeds\": [1, 2\n \"command\": \"forecast\"}",
            ": line 3, column 3: "},
        {"{\"name\": \"m\",\n \"seeds\": \"one\"}",
            ": line 2, column 12: Expected BEGIN_ARRAY but was STRING"},
        {"{\"name\": \"m\", \"seeds\": [1]}", ": study m names no command"},
        {"{\"name\": \"m\", \"command\": \"forecast\", \"axes\": {\"v\": {\"a\": []}},"
            + " \"seeds\": [1]} }", ": line 1, column 79: more text after the study"},
        {"{\"name\": \"m\", // a comment\n}", ": line 2, column 2: Expected name"}}) {
      Files.writeString(file, bad[0]);
      StringWriter out = new StringWriter();
      assertThat(run(out, "ablate", "--study", file.toString())).as(out.toString()).isEqualTo(2);
      String first = out.toString().lines().findFirst().orElseThrow();
      assertThat(first).startsWith(file + bad[1]).doesNotContainPattern("[A-Za-z]+Exception")
          .doesNotContain("java.", "gson", "path $");
    }
  }

  @Test
  void anUnreachableMasterFailsInSecondsWithOneLineNamingIt() throws Exception {
    Path file = study("unreachable", "\"full\": []");
    for (String master : List.of("spark://no-such-host:7077", "spark://127.0.0.1:1")) {
      StringWriter out = new StringWriter();
      long t0 = System.nanoTime();
      assertThat(run(out, "ablate", "--study", file.toString(), "--studies-dir",
          tmp.resolve("studies").toString(), "--engine", "spark", "--master", master))
          .isEqualTo(1);
      assertThat((System.nanoTime() - t0) / 1e9).isLessThan(10);
      assertThat(out.toString().lines().toList()).hasSize(1).first().asString()
          .startsWith("mambamixer ablate: cannot reach the Spark master " + master + " (");
    }
    assertThat(tmp.resolve("studies/unreachable")).doesNotExist();
  }

  @Test
  void aMasterOutsideThisJvmGetsTheClassPathsJarsUnlessTheJarsAreNamed() throws Exception {
    Path jar = Files.createFile(tmp.resolve("a.jar"));
    Path classes = Files.createDirectories(tmp.resolve("classes"));
    String cp = String.join(java.io.File.pathSeparator, jar.toString(), classes.toString(),
        tmp.resolve("gone.jar").toString());
    assertThat(SparkEngine.settings("local[2]", java.util.Map.of(), cp))
        .doesNotContainKey("spark.jars").containsEntry("spark.ui.enabled", "false");
    assertThat(SparkEngine.settings("spark://head:7077", java.util.Map.of(), cp))
        .containsEntry("spark.jars", jar.toString());
    assertThat(SparkEngine.settings("local-cluster[2,1,1024]",
        java.util.Map.of("spark.executor.extraClassPath", "/opt/mm/*"), cp))
        .doesNotContainKey("spark.jars");
    assertThat(SparkEngine.settings("spark://head:7077",
        java.util.Map.of("spark.jars", "x.jar", "spark.ui.enabled", "true"), cp))
        .containsEntry("spark.jars", "x.jar").containsEntry("spark.ui.enabled", "true");
  }

  @Test
  void sparkEngineInLocalModeGathersTheSameSummary() throws Exception {
    Path file = study("tiny-spark", "\"full\": [], \"residual\": [\"--skip\", \"residual\"]");
    StringWriter out = new StringWriter();
    run(out, "ablate", "--study", file.toString(), "--studies-dir",
        tmp.resolve("studies").toString(), "--engine", "spark", "--master", "local[2]",
        "--spark-conf", "spark.ui.enabled=false");
    Path dir = tmp.resolve("studies/tiny-spark");
    Table cells = Table.readCsv(dir.resolve("cells.csv"));
    assertThat(cells.rowCount()).as(out.toString()).isEqualTo(4);
    Table summary = Table.readCsv(dir.resolve("summary.csv"));
    assertThat(List.of(summary.doubles("cells")[0], summary.doubles("cells")[1]))
        .containsExactly(2.0, 2.0);
    assertThat(summary.doubles("mse_mean")[0]).isBetween(0.0, 5.0);
    // Each outcome was recorded as its cell ended: a resume runs only the cell without one.
    Files.delete(dir.resolve("cells/residual-s2/outcome.json"));
    StringWriter again = new StringWriter();
    assertThat(run(again, "ablate", "--study", file.toString(), "--studies-dir",
        tmp.resolve("studies").toString(), "--engine", "spark", "--master", "local[2]",
        "--resume")).as(again.toString()).isZero();
    assertThat(again.toString()).contains("4 cells (3 finished earlier, 1 to run)")
        .contains("[1/1] residual-s2 ok");
    // Outside a task, or in a task given no GPU, a cell's JVM keeps the machine's devices.
    assertThat(SparkEngine.deviceEnvironment(null)).isEmpty();
    StringWriter bad = new StringWriter();
    assertThat(run(bad, "ablate", "--study", file.toString(), "--engine", "spark",
        "--spark-conf", "no-value")).isEqualTo(2);
    assertThat(bad.toString()).contains("no-value");
  }
}
