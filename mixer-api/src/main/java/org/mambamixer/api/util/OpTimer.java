package org.mambamixer.api.util;

import java.util.EnumMap;
import java.util.Map;

/**
 * Time of a training step by op family, for the step profiler. Code marks sections with
 * {@code try (OpTimer.Section s = OpTimer.section(Family.LINEAR)) { ... }}; while the timer is off
 * (the default) that is one static read and no allocation ({@link #time} also allocates its
 * lambda).
 *
 * <p>Time is exclusive: a section opened inside another pauses the outer one, so the families add
 * up to the step. Engine ops on the CPU run synchronously in the calling thread (with libtorch's
 * intra-op threads), so a section's wall time is the work of its ops. Beside wall time the timer
 * charges the process's CPU time (every thread: libtorch's, the scan kernel's workers, GC), which
 * shared cores disturb less than wall time. Only the thread that switched the timer on is timed.
 */
public final class OpTimer {

  /** What a section's time is charged to. */
  public enum Family {
    DATA("data loading (window copies, host to engine)"),
    REVIN("RevIN (normalise and denormalise)"),
    NORM("LayerNorm / 2D norm"),
    LINEAR("linear layers (in/x/dt/out projections, patch embedding, head)"),
    CONV("depthwise convolutions"),
    ELEMENTWISE("elementwise (SiLU, residual adds, route sums, dropout)"),
    RESHAPE("reshapes, transposes, slices, splits"),
    WEIGHTED_AVERAGE("weighted average of earlier layers"),
    BRIDGE_FORWARD("scan bridge forward (validation, copies in and out)"),
    SCAN_FORWARD("scan kernel forward"),
    LOSS("loss and its read-back"),
    ENGINE_BACKWARD("engine backward (libtorch autograd of every op above)"),
    BRIDGE_BACKWARD("scan bridge backward (gradient copies, surrogate)"),
    SCAN_BACKWARD("scan kernel backward"),
    OPTIMIZER("AdamW step"),
    OTHER("outside every section");

    private final String description;

    Family(String description) {
      this.description = description;
    }

    public String description() {
      return description;
    }
  }

  /** Closes a section; the one instance is shared, so sections cost no allocation. */
  public static final class Section implements AutoCloseable {
    private Section() {}

    @Override
    public void close() {
      end();
    }
  }

  private static final Section SECTION = new Section();
  private static final int MAX_DEPTH = 64;

  private static volatile Thread owner;
  private static final Family[] stack = new Family[MAX_DEPTH];
  private static int depth;
  private static long last;
  private static long lastCpu;
  private static final long[] nanos = new long[Family.values().length];
  private static final long[] cpuNanos = new long[Family.values().length];
  private static long scanElements;

  private OpTimer() {}

  /** Loaded on the first timed use only: management beans are not free to start. */
  private static final class Cpu {
    static final com.sun.management.OperatingSystemMXBean OS =
        (com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();
  }

  /** Starts timing on the calling thread, from zero. */
  public static void start() {
    java.util.Arrays.fill(nanos, 0);
    java.util.Arrays.fill(cpuNanos, 0);
    scanElements = 0;
    depth = 0;
    last = System.nanoTime();
    lastCpu = Cpu.OS.getProcessCpuTime();
    owner = Thread.currentThread();
  }

  /** Stops timing; the totals stay readable. */
  public static void stop() {
    if (owner == Thread.currentThread()) {
      charge();
    }
    owner = null;
  }

  /** True while the calling thread is being timed. */
  public static boolean on() {
    return owner == Thread.currentThread();
  }

  /** Opens a section of {@code family}; close it with try-with-resources. */
  public static Section section(Family family) {
    if (owner != Thread.currentThread()) {
      return SECTION;
    }
    charge();
    if (depth == MAX_DEPTH) {
      throw new IllegalStateException("OpTimer sections nested deeper than " + MAX_DEPTH);
    }
    stack[depth++] = family;
    return SECTION;
  }

  private static void end() {
    if (owner != Thread.currentThread() || depth == 0) {
      return;
    }
    charge();
    depth--;
  }

  /** Charges the time since the last event to the innermost open section (OTHER when none). */
  private static void charge() {
    long now = System.nanoTime();
    long cpu = Cpu.OS.getProcessCpuTime();
    int f = depth == 0 ? Family.OTHER.ordinal() : stack[depth - 1].ordinal();
    nanos[f] += now - last;
    cpuNanos[f] += cpu - lastCpu;
    last = now;
    lastCpu = cpu;
  }

  /** Runs {@code op} as a section of {@code family} and returns its result. */
  public static <T> T time(Family family, java.util.function.Supplier<T> op) {
    try (Section s = section(family)) {
      return op.get();
    }
  }

  /** Counts scan elements (b, d, l, n) of a timed step, for the exp-throughput bound. */
  public static void countScan(long elements) {
    if (owner == Thread.currentThread()) {
      scanElements += elements;
    }
  }

  /** Scan elements counted since {@link #start()}. */
  public static long scanElements() {
    return scanElements;
  }

  /** CPU time of this process so far, all threads (tick resolution on Linux). */
  public static long processCpuNanos() {
    return Cpu.OS.getProcessCpuTime();
  }

  /** Wall-clock nanoseconds per family since {@link #start()}. */
  public static Map<Family, Long> totals() {
    return map(nanos);
  }

  /** Process CPU nanoseconds (all threads) per family since {@link #start()}. */
  public static Map<Family, Long> cpuTotals() {
    return map(cpuNanos);
  }

  private static Map<Family, Long> map(long[] values) {
    Map<Family, Long> m = new EnumMap<>(Family.class);
    for (Family f : Family.values()) {
      m.put(f, values[f.ordinal()]);
    }
    return m;
  }
}
