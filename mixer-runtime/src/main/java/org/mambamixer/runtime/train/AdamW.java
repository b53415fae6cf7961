package org.mambamixer.runtime.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.Pair;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter), whose moments can be saved and
 * restored, so a resumed run continues exactly where a killed one stopped (DJL's optimizers keep
 * their state private).
 *
 * <pre>
 *   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
 *   p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps) + lr * wd * p   (wd only on decayed)
 * </pre>
 *
 * As Mamba recommends, A_log, D, biases and norm parameters are not decayed.
 */
public final class AdamW {
  private final List<Pair<String, Parameter>> params;
  private final float beta1;
  private final float beta2;
  private final float eps;
  private final float weightDecay;
  private final List<NDArray> m = new ArrayList<>();
  private final List<NDArray> v = new ArrayList<>();
  private long step;

  public AdamW(Iterable<Pair<String, Parameter>> params, float weightDecay) {
    this(params, 0.9f, 0.999f, 1e-8f, weightDecay);
  }

  public AdamW(Iterable<Pair<String, Parameter>> params, float beta1, float beta2, float eps,
      float weightDecay) {
    List<Pair<String, Parameter>> trainable = new ArrayList<>();
    for (Pair<String, Parameter> p : params) {
      if (p.getValue().requiresGradient()) {
        trainable.add(p);
      }
    }
    this.params = List.copyOf(trainable);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
    for (Pair<String, Parameter> p : this.params) {
      NDArray w = p.getValue().getArray();
      m.add(w.zerosLike());
      v.add(w.zerosLike());
    }
  }

  /** Whether a parameter is decayed: weight matrices only. */
  static boolean decays(String name, Parameter p) {
    return p.getType() == Parameter.Type.WEIGHT && !name.endsWith("A_log") && !name.endsWith("_D");
  }

  /** Applies one update with learning rate {@code lr} and clears the gradients. */
  public void step(float lr) {
    step++;
    double c1 = 1 - Math.pow(beta1, step);
    double c2 = 1 - Math.pow(beta2, step);
    for (int i = 0; i < params.size(); i++) {
      Parameter p = params.get(i).getValue();
      NDArray w = p.getArray();
      NDArray g = w.getGradient();
      m.get(i).muli(beta1).addi(g.mul(1 - beta1));
      v.get(i).muli(beta2).addi(g.square().mul(1 - beta2));
      NDArray update = m.get(i).div(c1).div(v.get(i).div(c2).sqrt().add(eps));
      if (weightDecay > 0 && decays(params.get(i).getKey(), p)) {
        update = update.add(w.mul(weightDecay));
      }
      w.subi(update.mul(lr));
      JniUtils.zeroGrad((PtNDArray) w);
    }
  }

  public long steps() {
    return step;
  }

  /** Writes the step count and both moments. */
  public void save(DataOutputStream out) throws IOException {
    out.writeLong(step);
    NDList all = new NDList();
    all.addAll(m);
    all.addAll(v);
    byte[] bytes = all.encode();
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  /** Restores what {@link #save} wrote for the same parameter list. */
  public void load(NDManager manager, DataInputStream in) throws IOException {
    step = in.readLong();
    byte[] bytes = new byte[in.readInt()];
    in.readFully(bytes);
    NDList all = NDList.decode(manager, bytes);
    if (all.size() != 2 * params.size()) {
      throw new IOException("optimizer state holds " + all.size() / 2 + " parameters, model has "
          + params.size());
    }
    for (int i = 0; i < params.size(); i++) {
      m.get(i).set(all.get(i).toByteBuffer());
      v.get(i).set(all.get(params.size() + i).toByteBuffer());
    }
  }
}
