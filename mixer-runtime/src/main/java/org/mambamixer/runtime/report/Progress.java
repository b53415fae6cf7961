package org.mambamixer.runtime.report;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A progress line for long training loops, e.g.
 * {@code epoch 3/10  batch 120/500  loss=0.4123  ETA 01:23  (4.57 it/s)}.
 *
 * <p>Lines are printed at most every {@code interval} (default 2 s) and always for the last batch
 * of an epoch, so logs stay short. The ETA is for the rest of the current epoch: remaining batches
 * times an exponential moving average of the batch time, which forgets slow warm-up batches
 * (JIT, first allocations) within a few dozen steps. Before the last epoch a second ETA, {@code
 * run ETA}, adds the later epochs' training batches at the same rate (validation not included):
 * the time a run of many hours still needs. One instance serves one loop thread.
 */
public final class Progress {
  private final PrintWriter out;
  private final LongSupplier nanoClock;
  private final long intervalNanos;
  private final double smoothing;

  private int epoch;
  private int epochs;
  private int batches;
  private long lastTick;
  private long lastPrint;
  private double emaNanos = Double.NaN;

  /**
   * @param out where lines go (tests pass a capturing stream)
   * @param nanoClock monotonic nanoseconds, e.g. {@code System::nanoTime}
   * @param interval least time between two printed lines
   * @param smoothing weight of the newest batch time in the moving average, in (0, 1]
   */
  public Progress(PrintWriter out, LongSupplier nanoClock, Duration interval, double smoothing) {
    if (interval.isNegative()) {
      throw new IllegalArgumentException("interval must not be negative, got " + interval);
    }
    if (!(smoothing > 0 && smoothing <= 1)) {
      throw new IllegalArgumentException("smoothing must be in (0, 1], got " + smoothing);
    }
    this.out = out;
    this.nanoClock = nanoClock;
    this.intervalNanos = interval.toNanos();
    this.smoothing = smoothing;
  }


  /**
   * Marks the start of epoch {@code epoch} (1-based) of {@code epochs}, holding {@code batches}
   * batches. The batch-time average carries over: epochs are alike.
   */
  public void startEpoch(int epoch, int epochs, int batches) {
    if (epochs < 1 || epoch < 1 || epoch > epochs || batches < 1) {
      throw new IllegalArgumentException(
          "need 1 <= epoch <= epochs and batches >= 1, got epoch " + epoch + "/" + epochs
              + ", " + batches + " batches");
    }
    this.epoch = epoch;
    this.epochs = epochs;
    this.batches = batches;
    this.lastTick = nanoClock.getAsLong();
    this.lastPrint = lastTick;
  }

  /**
   * Records that batch {@code batch} (1-based) just finished with {@code loss}; prints a line if
   * one is due.
   */
  public void batch(int batch, double loss) {
    if (batches == 0) {
      throw new IllegalStateException("call startEpoch before batch");
    }
    if (batch < 1 || batch > batches) {
      throw new IllegalArgumentException("batch must be in 1.." + batches + ", got " + batch);
    }
    long now = nanoClock.getAsLong();
    double dt = now - lastTick;
    lastTick = now;
    emaNanos = Double.isNaN(emaNanos) ? dt : smoothing * dt + (1 - smoothing) * emaNanos;
    if (batch == batches || now - lastPrint >= intervalNanos) {
      out.println(line(batch, loss));
      out.flush();
      lastPrint = now;
    }
  }

  /** Seconds left in this epoch after {@code batch}, from the averaged batch time. */
  public double etaSeconds(int batch) {
    return Double.isNaN(emaNanos) ? Double.NaN : (batches - batch) * emaNanos / 1e9;
  }

  /** Seconds of training left in the run after {@code batch}, later epochs as long as this one. */
  public double runEtaSeconds(int batch) {
    return etaSeconds(batch) + (double) (epochs - epoch) * batches * emaNanos / 1e9;
  }

  /** The line that {@link #batch} prints. */
  String line(int batch, double loss) {
    double rate = emaNanos > 0 ? 1e9 / emaNanos : Double.POSITIVE_INFINITY;
    return String.format(
        Locale.ROOT,
        "epoch %d/%d  batch %d/%d  loss=%s  ETA %s%s  (%s it/s)",
        epoch, epochs, batch, batches, Table.formatReal(loss, 4), clock(etaSeconds(batch)),
        epoch < epochs ? "  run ETA " + clock(runEtaSeconds(batch)) : "", rate(rate));
  }

  /** Two decimals below 10 it/s, one below 100, none above: no exponent in a progress line. */
  static String rate(double itPerSecond) {
    if (!Double.isFinite(itPerSecond)) {
      return "inf";
    }
    int decimals = itPerSecond < 10 ? 2 : itPerSecond < 100 ? 1 : 0;
    return String.format(Locale.ROOT, "%." + decimals + "f", itPerSecond);
  }

  /** {@code mm:ss}, or {@code h:mm:ss} from an hour up; {@code --:--} when unknown. */
  static String clock(double seconds) {
    if (!Double.isFinite(seconds) || seconds < 0) {
      return "--:--";
    }
    long s = Math.round(seconds);
    return s >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%02d:%02d", s / 60, s % 60);
  }
}
