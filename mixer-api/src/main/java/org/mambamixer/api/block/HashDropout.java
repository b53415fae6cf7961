package org.mambamixer.api.block;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.stream.IntStream;

/**
 * Inverted dropout whose mask is a counter-based hash: element {@code i} is kept when the
 * SplitMix64 hash of {@code (seed, i)} falls below {@code (1 - rate) * 2^32}, and kept values are
 * scaled by {@code 1 / (1 - rate)}, as {@code Dropout} does.
 *
 * <p>Why not DJL's {@code Dropout}: libtorch draws its Bernoulli mask one element at a time from
 * one generator (its parallel MKL path runs on Intel CPUs only), and on wide activations that
 * serial draw is most of a step (TSMixer's (32, 512, 512) hidden: dropout was half the step,
 * docs/benchmarks.md). A hash of the index is drawn in parallel and is the same for any number of
 * threads. The seed of each call is drawn from the engine's generator, so a run seeded per batch
 * gets the same masks again, and a recomputed forward ({@code Recompute}) the same mask.
 */
public final class HashDropout extends AbstractBlock {
  private static final int CHUNK = 1 << 16;
  private final float rate;

  public HashDropout(float rate) {
    if (!(rate >= 0f && rate < 1f)) {
      throw new IllegalArgumentException("dropout rate must be in [0, 1), got " + rate);
    }
    this.rate = rate;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    if (!training || rate == 0f) {
      return inputs;
    }
    long seed;
    try (NDArray draw = x.getManager().randomInteger(0, Long.MAX_VALUE, new Shape(1),
        DataType.INT64)) {
      seed = draw.getLong();
    }
    return new NDList(x.mul(mask(x.getManager(), x.getShape(), seed, 1f - rate)));
  }

  /** The scaled keep mask of {@code shape}: {@code 1 / keep} where kept, else 0. */
  static NDArray mask(NDManager manager, Shape shape, long seed, float keep) {
    int n = Math.toIntExact(shape.size());
    NDArray mask = manager.create(shape, DataType.FLOAT32);
    // libtorch hands out the tensor's own memory (a direct buffer): the mask is written in place.
    ByteBuffer bytes = mask.toByteBuffer(true).order(ByteOrder.nativeOrder());
    FloatBuffer out = bytes.asFloatBuffer();
    long threshold = (long) Math.ceil(keep * 4294967296.0); // keep when a 32-bit lane is below
    float scale = 1f / keep;
    IntStream.range(0, (n + CHUNK - 1) / CHUNK).parallel().forEach(c -> {
      int end = Math.min(n, (c + 1) * CHUNK);
      for (int i = c * CHUNK; i < end; i += 2) { // one 64-bit hash gives two 32-bit lanes
        long h = mix(seed + (i >>> 1) * 0x9E3779B97F4A7C15L);
        out.put(i, (h & 0xFFFFFFFFL) < threshold ? scale : 0f);
        if (i + 1 < end) {
          out.put(i + 1, (h >>> 32) < threshold ? scale : 0f);
        }
      }
    });
    if (!bytes.isDirect()) { // an engine that hands out a copy instead
      mask.set(bytes.rewind());
    }
    return mask;
  }

  /** SplitMix64's finaliser (Steele, Lea, Flood 2014): a bijection that mixes every bit. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return inputShapes;
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {}
}
