package org.mambamixer.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes a use of freed memory show every time rather than one run in three: a test calls
 * {@link #collectAndPoison()} between a forward and its backward, so a constant the graph still
 * needs but that lived in a Java direct buffer (DJL 0.36's {@code x.div(3)}, see
 * {@code api.util.Scalars}) is read back as NaN.
 */
public final class FreedMemory {
  private FreedMemory() {}

  /** Runs the collector until freed direct buffers are released, then reuses their memory. */
  public static void collectAndPoison() {
    List<ByteBuffer> poison = new ArrayList<>();
    for (int round = 0; round < 5; round++) {
      System.gc();
      try {
        Thread.sleep(20); // the Cleaner thread frees the buffers after the collection
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      for (int i = 0; i < 256; i++) {
        ByteBuffer b = ByteBuffer.allocateDirect(4 * (1 + i % 4)).order(ByteOrder.nativeOrder());
        while (b.remaining() >= 4) {
          b.putFloat(Float.NaN);
        }
        poison.add(b);
      }
    }
    assertThat(poison).isNotEmpty();
  }
}
