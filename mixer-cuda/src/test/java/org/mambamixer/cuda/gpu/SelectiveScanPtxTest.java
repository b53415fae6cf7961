package org.mambamixer.cuda.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * selective_scan.cu compiles with nvcc (so a syntax or type error fails the build here, where no
 * GPU runs it), and the build put its PTX where CudaProbe looks.
 */
class SelectiveScanPtxTest {

  private static final Path NVCC = Path.of(System.getProperty("nvcc", "/usr/local/cuda/bin/nvcc"));
  private static final String[] ENTRIES = {"selective_scan_fwd", "selective_scan_bwd", "sum_partials"};

  @Test
  void compilesToPtxWithStableEntryPoints(@TempDir Path dir) throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(NVCC), "nvcc not found at " + NVCC);
    Path ptx = dir.resolve("selective_scan.ptx");
    Process nvcc = new ProcessBuilder(NVCC.toString(), "-ptx", "-arch=compute_80", "-Werror",
        "all-warnings", "-o", ptx.toString(), "src/main/cuda/selective_scan.cu")
        .redirectErrorStream(true).start();
    String log = new String(nvcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(nvcc.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(nvcc.exitValue()).as("nvcc output:\n" + log).isZero();
    assertEntries(Files.readString(ptx));
  }

  @Test
  void buildShipsThePtxResource() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(NVCC), "nvcc not found at " + NVCC
        + ": the build made no PTX, as intended");
    Assumptions.assumeFalse(Boolean.getBoolean("ptx.skip"), "PTX build skipped (-Dptx.skip)");
    try (var in = CudaProbe.class.getResourceAsStream(CudaProbe.PTX_RESOURCE)) {
      assertThat(in).as(CudaProbe.PTX_RESOURCE + " on the class path").isNotNull();
      assertEntries(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
    }
  }

  private static void assertEntries(String ptx) {
    assertThat(ptx).contains(".target sm_80");
    for (String entry : ENTRIES) {
      // extern "C": the names are not mangled, so CudaScanKernel can look them up as written.
      assertThat(ptx).contains(".visible .entry " + entry + "(");
    }
  }
}
