package org.mambamixer.runtime.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcessMemoryTest {
  @Test
  void peakResidentMemoryCoversTheLiveHeap() {
    long heapMb = (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20;
    // A running JVM's peak resident set holds at least the heap it uses now.
    assertThat(ProcessMemory.peakRssMb()).isGreaterThanOrEqualTo(heapMb).isPositive();
  }
}
