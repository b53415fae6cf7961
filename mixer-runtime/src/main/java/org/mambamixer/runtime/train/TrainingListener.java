package org.mambamixer.runtime.train;

/**
 * Observes the one training loop ({@link Trainer}), like DJL's {@code TrainingListener}: progress
 * lines, batch clocks and the step profiler attach here instead of living inside the loop or the
 * model. Every method has an empty default, so a listener overrides what it needs.
 */
public interface TrainingListener {

  /** The parts of one training step, in the order the loop runs them. */
  enum Phase {
    /** The batch is read and turned into tensors. */
    DATA,
    /** The model's forward pass under the gradient collector. */
    FORWARD,
    /** The loss and its read-back. */
    LOSS,
    /** Back-propagation through the engine and any custom op. */
    BACKWARD,
    /** The optimizer's update. */
    OPTIMIZER
  }

  /** Training epoch {@code epoch} (0-based) begins, or resumes, at batch {@code from}. */
  default void onEpochBegin(int epoch, int epochs, int batches, int from) {}

  /** Training batch {@code batch} (0-based) of {@code epoch} begins. */
  default void onBatchBegin(int epoch, int batch) {}

  /** A phase of the current batch begins; the previous phase (if any) has ended. */
  default void onPhase(Phase phase) {}

  /** Training batch {@code batch} ended with {@code loss}. */
  default void onBatchEnd(int epoch, int batch, int batches, float loss) {}

  /** A validation (or, without a validation set, an evaluation point) ended. */
  default void onValidation(int epoch, int batch, TrainingTask.Scores scores) {}
}
