package org.mambamixer.cuda.cpu;

import ai.djl.ndarray.NDManager;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mambamixer.api.scan.ReferenceScan;
import org.mambamixer.cuda.ScanFixture;
import org.mambamixer.cuda.bridge.KernelScan;

/**
 * The CPU kernel (vector and scalar arithmetic, through the DJL bridge) against the reference scan
 * differentiated by DJL autograd: out, last state and every input gradient.
 */
class CpuScanGridTest {
  private static NDManager manager;

  @BeforeAll
  static void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  static Stream<Arguments> grid() {
    // chunk: scan steps per checkpoint, small and odd so that partial chunks are exercised.
    return Stream.of(
        Arguments.of(ScanFixture.full(2, 5, 1, 4), 256),
        Arguments.of(new ScanFixture(2, 9, 7, 1, true, true, true, true, true, false, 2), 3),
        Arguments.of(new ScanFixture(2, 17, 33, 16, true, true, true, true, true, true, 3), 8),
        Arguments.of(ScanFixture.full(2, 13, 64, 64), 64),
        Arguments.of(new ScanFixture(3, 8, 100, 16, false, true, false, true, false, false, 4), 37),
        Arguments.of(new ScanFixture(2, 70, 19, 16, true, true, true, true, false, true, 5), 5),
        Arguments.of(new ScanFixture(1, 1, 300, 16, true, false, true, false, true, false, 6), 256),
        Arguments.of(new ScanFixture(2, 3, 45, 4, false, false, false, false, false, false, 7), 16),
        Arguments.of(new ScanFixture(2, 11, 513, 4, true, true, true, true, true, true, 8), 100),
        Arguments.of(new ScanFixture(1, 3, 4096, 4, true, true, true, true, false, false, 9), 256),
        Arguments.of(new ScanFixture(1, 2, 4096, 1, false, false, false, false, true, true, 10), 1000));
  }

  @ParameterizedTest(name = "{0} chunk={1}")
  @MethodSource("grid")
  void vectorAndScalarMatchReference(ScanFixture f, int chunk) {
    Map<String, float[]> expected = f.run(new ReferenceScan(), manager);
    // Long scans accumulate dA and d delta_bias over thousands of steps in float.
    double rtol = f.l() > 1000 ? 1e-3 : 2e-4;
    for (TileOps ops : new TileOps[] {TileOps.best(), new ScalarTileOps()}) {
      KernelScan scan = new KernelScan(new CpuScanKernel(2, chunk, ops));
      ScanFixture.assertClose(f.run(scan, manager), expected, rtol, f + " " + ops.name());
    }
  }
}
