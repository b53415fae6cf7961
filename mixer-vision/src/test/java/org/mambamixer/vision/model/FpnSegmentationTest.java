package org.mambamixer.vision.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import org.junit.jupiter.api.Test;
import org.mambamixer.api.scan.Backprop;
import org.mambamixer.api.scan.ReferenceScan;

class FpnSegmentationTest {

  @Test
  void upsamplesByRepeatingEachPixel() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.arange(4f).reshape(1, 2, 2, 1);
      NDArray up = FpnSegmentation.upsample(x, 2).reshape(4, 4);
      assertThat(up.toFloatArray()).containsExactly(
          0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3);
    }
  }

  /** Bright 4 x 4 squares on noise; the mask marks the square. */
  private static NDList batch(NDManager m, int n, long seed) {
    java.util.Random r = new java.util.Random(seed);
    float[] img = new float[n * 3 * 8 * 8];
    float[] mask = new float[n * 8 * 8];
    for (int i = 0; i < n; i++) {
      int top = 2 * r.nextInt(3);
      int left = 2 * r.nextInt(3);
      for (int y = 0; y < 8; y++) {
        for (int x = 0; x < 8; x++) {
          boolean in = y >= top && y < top + 4 && x >= left && x < left + 4;
          mask[(i * 8 + y) * 8 + x] = in ? 1 : 0;
          for (int c = 0; c < 3; c++) {
            img[((i * 3 + c) * 8 + y) * 8 + x] = (float) r.nextGaussian() * 0.5f + (in ? 1.5f : 0);
          }
        }
      }
    }
    return new NDList(m.create(img, new Shape(n, 3, 8, 8)), m.create(mask, new Shape(n, 8, 8)));
  }

  @Test
  void predictsEveryPixelAndLearnsSyntheticMasks() {
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed(7);
      FpnSegmentation seg = new FpnSegmentation(
          new Vim2Backbone(Vim2Test.tiny(), new ReferenceScan()), 8, 2);
      seg.initialize(m, DataType.FLOAT32, new Shape(8, 3, 8, 8));
      for (Pair<String, Parameter> p : seg.getParameters()) {
        p.getValue().getArray().setRequiresGradient(true);
      }
      ParameterStore ps = new ParameterStore(m, false);
      NDList data = batch(m, 8, 1);
      NDArray onehot = data.get(1).toType(DataType.INT32, false).oneHot(2)
          .transpose(0, 3, 1, 2); // (B, 2, H, W)
      double first = 0;
      double last = 0;
      for (int step = 0; step < 20; step++) {
        try (GradientCollector gc = m.getEngine().newGradientCollector()) {
          gc.zeroGradients();
          NDArray logits = seg.forward(ps, new NDList(data.get(0)), true).singletonOrThrow();
          assertThat(logits.getShape()).isEqualTo(new Shape(8, 2, 8, 8));
          NDArray loss = logits.logSoftmax(1).mul(onehot).sum(new int[] {1}).mean().neg();
          Backprop.backward(loss);
          last = loss.getFloat();
          if (step == 0) {
            first = last;
          }
        }
        for (Pair<String, Parameter> p : seg.getParameters()) {
          NDArray a = p.getValue().getArray();
          a.subi(a.getGradient().mul(0.1));
        }
      }
      assertThat(last).isLessThan(0.5 * first);
      NDArray pred = seg.forward(ps, new NDList(data.get(0)), false).singletonOrThrow().argMax(1);
      double acc = pred.toType(DataType.FLOAT32, false).eq(data.get(1)).toType(DataType.FLOAT32,
          false).mean().getFloat();
      assertThat(acc).isGreaterThan(0.9);
    }
  }
}
