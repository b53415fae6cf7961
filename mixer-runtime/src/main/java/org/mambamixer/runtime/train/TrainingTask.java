package org.mambamixer.runtime.train;

import ai.djl.nn.Block;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Batch;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import org.mambamixer.runtime.report.Charts;

/**
 * What a modality supplies to the one training loop ({@link Trainer}): its model, its batches,
 * its loss and its validation. Everything else of a run (the step, seeding, validation and save
 * intervals, early stopping, plateau decay, checkpoints, {@code state.json}, {@code metrics.csv},
 * progress, resume) belongs to the loop.
 */
public interface TrainingTask {

  /** The model being trained, run in inference mode with its current weights. */
  interface Inference {
    /** Where the inputs are made. */
    NDManager manager();

    NDList forward(NDList inputs);

    /** {@code model}'s forward with the weights it holds now, outside any training. */
    static Inference of(Block model, NDManager manager) {
      ai.djl.training.ParameterStore ps = new ai.djl.training.ParameterStore(manager, false);
      return new Inference() {
        @Override
        public NDManager manager() {
          return manager;
        }

        @Override
        public NDList forward(NDList inputs) {
          return model.forward(ps, inputs, false);
        }
      };
    }
  }

  /**
   * One validation's scores.
   *
   * @param score what selects the best checkpoint ({@link #improves})
   * @param values the values of {@link #validationColumns()}, in order
   * @param summary the scores for the log line, e.g. {@code val MSE 0.4021  val MAE 0.4177}
   */
  record Scores(double score, List<Object> values, String summary) {}

  /** The model, initialised on the trainer's manager. */
  Block model();

  /** The model's name (checkpoint file names). */
  String name();

  /** Examples in the training split. */
  int trainSize();

  /**
   * The batches of epoch {@code epoch}, in that epoch's seeded order, from batch {@code from}
   * on: each batch's inputs and labels. The order may depend on the seed and the epoch only, so
   * a run resumed inside an epoch reads the batches an uninterrupted run would have read.
   */
  Iterator<Batch> batches(NDManager manager, int epoch, int from) throws IOException;

  /** The scalar training loss of the model's outputs on a batch. */
  NDArray loss(NDList outputs, NDList labels);

  /** The training loss's column in metrics.csv, e.g. {@code train_mse}. */
  String lossColumn();

  /** What the log line calls the training loss, e.g. {@code train MSE}. */
  default String lossName() {
    return lossColumn().replace('_', ' ');
  }

  /** The validation columns of metrics.csv, e.g. {@code val_mse, val_mae}. */
  List<String> validationColumns();

  /**
   * Scores the current weights on the validation split; null when the task has none, and then
   * every validation point counts as the best (the last weights are the ones tested).
   */
  Scores validate(Inference model) throws IOException;

  /** Whether {@code score} beats the best so far, {@code best}. */
  boolean improves(double score, double best);

  /** The curves of {@code loss.png}: the training loss and the selecting validation score. */
  List<Charts.Curve> curves();
}
