package org.mambamixer.ablations.profile;

import java.lang.management.ManagementFactory;

/**
 * CPU time of this process, every thread together: libtorch's intra-op threads and the scan
 * kernel's workers work for the training thread, so its own CPU time would miss most of a step.
 * Shared cores disturb it less than wall time. Tick resolution on Linux, so sums over many calls
 * are what it is good for.
 */
public final class ProcessCpu {
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private ProcessCpu() {}

  /** Nanoseconds of CPU this process has used so far. */
  public static long nanos() {
    return OS.getProcessCpuTime();
  }
}
