package org.mambamixer.cuda.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scan-check --scan cuda end to end, in a child JVM whose libcuda.so.1 is
 * {@code src/test/cuda/fake_libcuda.cpp}: bytedeco's real bindings, CudaProbe, CudaScanKernel's
 * PTX loading, allocations, copies and kernel-argument marshalling, with the kernels emulated on
 * the CPU. What it cannot cover is the GPU itself (PTX JIT, real warps, timing).
 */
class FakeDriverTest {

  @TempDir static Path driverDir;

  @BeforeAll
  static void buildFakeDriver() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/g++")), "g++ not installed");
    Assumptions.assumeTrue(CudaProbe.class.getResource(CudaProbe.PTX_RESOURCE) != null,
        "no PTX built (no nvcc): CudaProbe would stop before the driver");
    Process gpp = new ProcessBuilder("g++", "-std=c++20", "-O1", "-pthread", "-shared", "-fPIC",
        "-o", driverDir.resolve("libcuda.so.1").toString(), "src/test/cuda/fake_libcuda.cpp")
        .redirectErrorStream(true).start();
    String log = new String(gpp.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(gpp.waitFor(120, TimeUnit.SECONDS) && gpp.exitValue() == 0).as(log).isTrue();
  }

  @Test
  void scanCheckPassesOnTheEmulatedDevice() throws Exception {
    Result r = scanCheck(Map.of(), "--scan", "cuda", "--quick", "--reps", "0");
    assertThat(r.output()).contains("CUDA available: 1 device(s), first: Emulated device");
    assertThat(r.output()).contains("scan-check: PASS").doesNotContain("MISMATCH");
    // 6 quick cases; each compares out, last_state, 5 gradients always, plus its optional ones.
    assertThat(r.output().lines().filter(l -> l.endsWith("  ok")).count()).isEqualTo(57);
    assertThat(r.exit()).isZero();
  }

  @Test
  void driverWithoutDeviceIsReportedAsSuch() throws Exception {
    Result r = scanCheck(Map.of("FAKE_CUDA_DEVICES", "0"), "--scan", "cuda");
    assertThat(r.output()).contains("CUDA unavailable: the driver reports no CUDA device");
    assertThat(r.exit()).isEqualTo(ScanCheck.EXIT_UNUSABLE);
  }

  private record Result(int exit, String output) {}

  private static Result scanCheck(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--add-modules", "jdk.incubator.vector",
        "-cp", System.getProperty("java.class.path"),
        ScanCheck.class.getName()));
    command.addAll(List.of(args));
    // Output to a file, not a pipe read to its end: a child that hangs then fails the test at
    // the time limit instead of holding the build.
    Path log = Files.createTempFile(driverDir, "scan-check", ".log");
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().put("LD_LIBRARY_PATH", driverDir.toString());
    pb.environment().putAll(env);
    Process child = pb.start();
    boolean finished = child.waitFor(300, TimeUnit.SECONDS);
    if (!finished) {
      child.destroyForcibly().waitFor();
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(finished).as("scan-check finished within 300 s; its output:%n%s", output).isTrue();
    return new Result(child.exitValue(), output);
  }
}
