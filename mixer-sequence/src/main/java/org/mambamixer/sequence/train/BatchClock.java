package org.mambamixer.sequence.train;

import java.util.ArrayList;
import java.util.List;
import org.mambamixer.runtime.train.TrainingListener;

/**
 * The training batches' times of the latest epoch, for a median free of the first batches'
 * warm-up (JIT, allocator): a listener of the training loop.
 */
final class BatchClock implements TrainingListener {
  private final List<Long> nanos = new ArrayList<>();
  private long start;

  @Override
  public void onEpochBegin(int epoch, int epochs, int batches, int from) {
    nanos.clear();
  }

  @Override
  public void onBatchBegin(int epoch, int batch) {
    start = System.nanoTime();
  }

  @Override
  public void onBatchEnd(int epoch, int batch, int batches, float loss) {
    nanos.add(System.nanoTime() - start);
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
