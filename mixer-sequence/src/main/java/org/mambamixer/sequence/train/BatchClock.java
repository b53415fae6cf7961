package org.mambamixer.sequence.train;

import java.util.ArrayList;
import java.util.List;

/**
 * Times between consecutive training batches. The median, because the first batches of a JVM pay
 * for class loading and libtorch's warm-up (seconds, against tens of milliseconds later).
 */
final class BatchClock {
  private final List<Long> nanos = new ArrayList<>();
  private long last = System.nanoTime();

  /** Marks the end of a batch. */
  void tick() {
    long now = System.nanoTime();
    nanos.add(now - last);
    last = now;
  }

  /** The median batch time in milliseconds; NaN before the first batch. */
  double medianMs() {
    if (nanos.isEmpty()) {
      return Double.NaN;
    }
    List<Long> sorted = new ArrayList<>(nanos);
    sorted.sort(null);
    return sorted.get(sorted.size() / 2) / 1e6;
  }
}
