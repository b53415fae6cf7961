package org.mambamixer.api.io;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the files outside the repository live (golden vectors, benchmark data: {@code ../shared}
 * beside the checkout) and whether their absence may be tolerated.
 *
 * <p>On a workstation a test that needs them skips when they are absent. Under CI (environment
 * variable {@code CI} set, as every CI service does) a missing directory is an error, so a
 * misconfigured checkout cannot turn the parity and real-data tests into silent skips.
 */
public final class SharedFiles {
  // Relative to a module directory, which is where surefire runs the tests.
  private static final String DEFAULT_SHARED = "../../shared";

  private SharedFiles() {}

  /** The golden scan vectors: property {@code mixer.golden.dir}. */
  public static Path goldenDir() {
    return Path.of(System.getProperty("mixer.golden.dir", DEFAULT_SHARED + "/golden"));
  }

  /** The golden whole-block cases: property {@code mixer.golden.blocks.dir}. */
  public static Path goldenBlocksDir() {
    String dir = System.getProperty("mixer.golden.blocks.dir");
    return dir != null ? Path.of(dir) : goldenDir().resolve("blocks");
  }

  /** The benchmark data: property {@code mixer.data.dir}. */
  public static Path dataDir() {
    return Path.of(System.getProperty("mixer.data.dir", DEFAULT_SHARED + "/data"));
  }

  /** True when CI is set: shared files are then required, never skipped. */
  public static boolean required() {
    String ci = System.getenv("CI");
    return ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false");
  }

  /**
   * Whether {@code dir} exists; for a test to skip on when it does not.
   *
   * @param what what the directory holds, for the message
   * @throws IllegalStateException when it is missing and {@link #required()}
   */
  public static boolean present(Path dir, String what) {
    if (Files.isDirectory(dir)) {
      return true;
    }
    if (required()) {
      throw new IllegalStateException(what + " not found at " + dir.toAbsolutePath().normalize()
          + ", and CI is set: these tests must run, not skip");
    }
    return false;
  }

  /** The message for a skip because {@code dir} is missing. */
  public static String missing(Path dir, String what) {
    return "no " + what + " at " + dir.toAbsolutePath().normalize()
        + " (skipped; set CI to make this an error)";
  }
}
