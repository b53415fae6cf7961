package org.mambamixer.cuda.bridge;

import static org.mambamixer.cuda.bridge.EngineBuffers.buffer;
import static org.mambamixer.cuda.bridge.EngineBuffers.contiguous;
import static org.mambamixer.cuda.bridge.EngineBuffers.floats;
import static org.mambamixer.cuda.bridge.EngineBuffers.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.mambamixer.api.scan.Backprop;
import org.mambamixer.api.scan.DeferredGradient;
import org.mambamixer.cuda.cpu.FeatureMlpKernel;

/**
 * {@link FeatureMlpKernel} on engine tensors: {@code y = Linear_F->M(Dropout(ReLU(Linear_M->F(x))))}
 * over the last axis of x, with DJL {@code Linear}'s weight layouts (W1 (F, M), W2 (M, F)). As
 * for {@link FusedMixerOp}, the output is a gradient leaf and a {@link DeferredGradient} on the
 * {@link Backprop} tape hands back the gradients of x and the four weights.
 */
public final class FeatureMlpOp {
  private final FeatureMlpKernel kernel;

  public FeatureMlpOp(FeatureMlpKernel kernel) {
    this.kernel = kernel;
  }

  /**
   * @param x (..., M)
   * @param dropout the hidden's dropout, or null for none (evaluation)
   * @return y (..., M)
   */
  public NDArray forward(NDArray x, NDArray w1, NDArray b1, NDArray w2, NDArray b2,
      FeatureMlpKernel.Dropout dropout) {
    Shape s = x.getShape();
    int width = Math.toIntExact(s.get(s.dimension() - 1));
    FeatureMlpKernel.Dims d = new FeatureMlpKernel.Dims(Math.toIntExact(s.size() / width), width,
        Math.toIntExact(w1.getShape().get(0)));
    float[] w1t = new float[width * d.hidden()];
    float[] w1f = floats(w1); // (F, M)
    for (int j = 0; j < d.hidden(); j++) {
      for (int k = 0; k < width; k++) {
        w1t[k * d.hidden() + j] = w1f[j * width + k];
      }
    }
    FeatureMlpKernel.Weights w =
        new FeatureMlpKernel.Weights(w1t, floats(b1), floats(w2), floats(b2));
    NDArray flat = contiguous(x);
    NDArray y = x.getManager().create(s, DataType.FLOAT32);
    boolean recording = Backprop.isRecording();
    kernel.forward(d, w, buffer(flat), buffer(y), dropout);
    if (recording) {
      y.setRequiresGradient(true);
      Backprop.record(new Node(kernel, d, w, dropout, flat, y,
          new NDList(x, w1, b1, w2, b2)));
    } else if (flat != x) {
      flat.close();
    }
    return y;
  }

  /** The deferred backward: keeps x (in place), the weights' values and the dropout's seed. */
  private record Node(FeatureMlpKernel kernel, FeatureMlpKernel.Dims d,
      FeatureMlpKernel.Weights w, FeatureMlpKernel.Dropout dropout, NDArray x, NDArray y,
      NDList inputs) implements DeferredGradient {

    @Override
    public NDList outputs() {
      return new NDList(y);
    }

    @Override
    public NDList backward(NDList outputGradients) {
      NDManager m = y.getManager();
      NDArray gy = contiguous(outputGradients.get(0));
      NDArray gx = m.create(inputs.get(0).getShape(), DataType.FLOAT32);
      FeatureMlpKernel.Grads g =
          kernel.backward(d, w, buffer(x), buffer(gy), dropout, buffer(gx));
      float[] gw1 = new float[g.w1t().length]; // back to Linear's (F, M)
      for (int k = 0; k < d.width(); k++) {
        for (int j = 0; j < d.hidden(); j++) {
          gw1[j * d.width() + k] = g.w1t()[k * d.hidden() + j];
        }
      }
      return new NDList(gx, tensor(m, gw1, inputs.get(1).getShape()),
          tensor(m, g.b1(), inputs.get(2).getShape()), tensor(m, g.w2(), inputs.get(3).getShape()),
          tensor(m, g.b2(), inputs.get(4).getShape()));
    }
  }
}
