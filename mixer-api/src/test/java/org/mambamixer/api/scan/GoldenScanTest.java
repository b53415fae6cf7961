package org.mambamixer.api.scan;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.mambamixer.api.io.SharedFiles;

/**
 * Parity of the reference scan with every golden file in {@code mixer.golden.dir} (required under
 * CI).
 */
class GoldenScanTest {

  @TestFactory
  Stream<DynamicTest> referenceMatchesEveryGoldenFile() throws Exception {
    Path dir = SharedFiles.goldenDir();
    Assumptions.assumeTrue(SharedFiles.present(dir, "golden vectors"),
        SharedFiles.missing(dir, "golden vectors"));
    List<GoldenCase> cases = GoldenCase.loadAll(dir);
    assertThat(cases).as("golden files in %s", dir).isNotEmpty();
    SelectiveScan backend = new ReferenceScan();
    return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
      try (NDManager m = NDManager.newBaseManager()) {
        List<GoldenCase.Error> errors = c.check(backend, m);
        assertThat(errors).allSatisfy(e ->
            assertThat(e.within(1e-4)).as("%s %s: %s", c.name(), e.tensor(), e).isTrue());
      }
    }));
  }
}
