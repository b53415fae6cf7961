package org.mambamixer.ablations.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mambamixer.ablations.ToySeries;
import org.mambamixer.runtime.train.Checkpoint;

/**
 * The launcher in its own JVM, stopped by a signal in the middle of a forecast: it leaves at a
 * batch boundary with the shell's exit code for the signal, one line saying so, no crash log, and
 * the run directory's resume point whole.
 */
class SignalStopTest {

  @ParameterizedTest(name = "SIG{0}")
  @CsvSource({"TERM, 143", "INT, 130"})
  @Timeout(180)
  void aSignalStopsTheRunBetweenTwoBatches(String signal, int exitCode, @TempDir Path tmp)
      throws Exception {
    Path csv = ToySeries.write(tmp.resolve("sine.csv"), 300, 1);
    Path runDir = tmp.resolve("run");
    List<String> command = launcher("forecast", "--data", csv.toString(), "--lookback", "32",
        // Patience far beyond the epochs: the run must still be training when the signal comes,
        // however slowly this machine reaches the second validation.
        "--horizon", "8", "--epochs", "1000", "--patience", "100000", "--max-batches", "2",
        "--val-interval", "1",
        "--d-model", "8", "--layers", "1", "--d-state", "4", "--scan", "cpu", "--run-dir",
        runDir.toString());
    Path err = tmp.resolve("err.txt");
    Process p = new ProcessBuilder(command).directory(tmp.toFile())
        .redirectError(err.toFile()).start();
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      // The second validation line: a resume point is on disk and training goes on.
      int validations = 0;
      for (String line = out.readLine(); line != null && validations < 2; line = out.readLine()) {
        validations += line.startsWith("epoch ") && line.contains("val MSE") ? 1 : 0;
      }
      assertThat(validations).as(Files.readString(err)).isEqualTo(2);
      new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor();
      out.transferTo(java.io.Writer.nullWriter());
    }
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String stderr = Files.readString(err);
    assertThat(p.exitValue()).as(stderr).isEqualTo(exitCode);
    assertThat(stderr).contains("mambamixer forecast: stopped by SIG" + signal + " before batch");
    try (var files = Files.list(tmp)) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .noneMatch(n -> n.startsWith("hs_err_pid"));
    }
    Path h8 = runDir.resolve("H8");
    Checkpoint.verify(h8.resolve("checkpoint/last"));
    JsonObject state = new Gson().fromJson(Files.readString(h8.resolve("state.json")),
        JsonObject.class);
    assertThat(state.get("epochsDone").getAsInt() * 2 + state.get("batchesDone").getAsInt())
        .isGreaterThanOrEqualTo(2);
  }

  private static List<String> launcher(String... args) {
    List<String> command = new ArrayList<>(List.of(
        ProcessHandle.current().info().command().orElse("java"), "--add-modules",
        "jdk.incubator.vector", "-Dai.djl.offline=true", "-Djava.awt.headless=true",
        "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(args));
    return command;
  }
}
