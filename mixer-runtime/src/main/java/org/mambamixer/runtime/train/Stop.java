package org.mambamixer.runtime.train;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * A request to stop training, for the whole process, as a signal is: once {@link #onSignals} is
 * installed, SIGINT and SIGTERM set it while a run trains ({@link #training}), and every
 * training loop calls {@link #check} before each batch. Left to the JVM, those signals run the
 * shutdown hooks while the loop goes on, and a SIGTERM during a forecast once crashed libtorch in
 * the backward that way (SIGSEGV in getAccelerator). Stopping between two batches instead unwinds
 * the run, which closes its native memory and leaves the run directory as its last resume point
 * wrote it. Outside training a signal ends the process as the JVM would.
 */
public final class Stop {
  private record Request(String signal, int exitCode) {}

  private static final AtomicReference<Request> REQUEST = new AtomicReference<>();
  private static final AtomicInteger TRAINING = new AtomicInteger();

  /** The span of a run that trains; closing it ends the span. */
  public static final class Training implements AutoCloseable {
    private Training() {
      TRAINING.incrementAndGet();
    }

    @Override
    public void close() {
      TRAINING.decrementAndGet();
    }
  }

  /** What {@link #check} throws once a stop was requested; the launcher exits with its code. */
  public static final class Stopped extends RuntimeException {
    private final int exitCode;

    private Stopped(String message, int exitCode) {
      super(message);
      this.exitCode = exitCode;
    }

    /** 130 after SIGINT, 143 after SIGTERM: what a shell reports for a process they ended. */
    public int exitCode() {
      return exitCode;
    }
  }

  private Stop() {}

  /**
   * Turns SIGINT and SIGTERM during training into a stop request, said on {@code err}. A second
   * signal ends the process the operating system's way, for a run that reaches no batch boundary
   * soon (a long evaluation).
   */
  public static void onSignals(PrintStream err) {
    for (String name : List.of("INT", "TERM")) {
      Signal.handle(new Signal(name), s -> {
        int exitCode = 128 + s.getNumber(); // what a shell reports for a process the signal ended
        if (TRAINING.get() == 0) {
          Runtime.getRuntime().exit(exitCode); // what the JVM does, and never returns
        }
        Signal.handle(s, SignalHandler.SIG_DFL);
        err.println("\nmambamixer: SIG" + s.getName() + ": stopping before the next training"
            + " batch (again to stop at once)");
        request("SIG" + s.getName(), exitCode);
      });
    }
  }

  /** Marks a run training until the result is closed: a signal then stops it at a batch. */
  public static Training training() {
    return new Training();
  }

  /** Asks every training loop to stop before its next batch; the first request is kept. */
  public static void request(String signal, int exitCode) {
    REQUEST.compareAndSet(null, new Request(signal, exitCode));
  }

  /** Forgets the request, for a process that goes on to run another command (a test). */
  public static void clear() {
    REQUEST.set(null);
  }

  /**
   * Throws {@link Stopped} where a stop was requested; a loop calls it before batch {@code batch}
   * of epoch {@code epoch} (both from 0).
   */
  public static void check(int epoch, int batch) {
    Request r = REQUEST.get();
    if (r != null) {
      throw new Stopped(String.format(Locale.ROOT, "stopped by %s before batch %d of epoch %d;"
          + " the run directory keeps its last resume point", r.signal(), batch + 1, epoch + 1),
          r.exitCode());
    }
  }
}
