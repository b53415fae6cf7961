package org.mambamixer.runtime.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What a run records about its own memory: the peak resident set, as the kernel counts it. */
public final class ProcessMemory {
  private ProcessMemory() {}

  /** Peak resident memory of this process (VmHWM), in MiB; -1 where /proc is absent. */
  public static long peakRssMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("\\D+", "")) / 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
