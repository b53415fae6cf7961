package org.mambamixer.api.block;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.stream.IntStream;

/**
 * Inverted dropout whose mask is a counter-based hash: element {@code i} (row-major) is kept
 * when {@link #hash}{@code (seed, i) >>> 1} falls below {@code (1 - rate) * 2^31}, and kept
 * values are scaled by {@code 1 / (1 - rate)}, as {@code Dropout} does.
 *
 * <p>Why not DJL's {@code Dropout}: libtorch draws its Bernoulli mask one element at a time from
 * one generator (its parallel MKL path runs on Intel CPUs only), and on wide activations that
 * serial draw is most of a step (TSMixer's (32, 512, 512) hidden: dropout was half the step,
 * docs/benchmarks.md). A hash of the index is drawn in parallel and is the same for any number of
 * threads. The seed of each call is drawn from the engine's generator, so a run seeded per batch
 * gets the same masks again, and a recomputed forward ({@code Recompute}) the same mask.
 */
public final class HashDropout extends AbstractBlock {
  /** The Weyl step of {@link #hash}: 2^32 over the golden ratio. */
  public static final int WEYL = 0x9E3779B9;
  private static final int CHUNK = 1 << 16;
  /** The encoding DJL 0.36's {@code Dropout} saves: its input shapes, exactly as this block. */
  private static final byte DJL_DROPOUT_ENCODING = 2;
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
    return new NDList(x.mul(mask(x.getManager(), x.getShape(), seed(x.getManager()), 1f - rate)));
  }

  /**
   * Also reads a {@code Dropout}'s place in a checkpoint: TSMixer's and PatchTST's checkpoints
   * from before their dropouts became this block hold DJL's there, and must still load (to
   * resume, predict or test).
   */
  @Override
  protected void loadMetadata(byte loadVersion, DataInputStream is)
      throws IOException, MalformedModelException {
    super.loadMetadata(loadVersion == DJL_DROPOUT_ENCODING ? version : loadVersion, is);
  }

  /** A call's seed, from the engine's generator (so per-batch seeding gives the same masks). */
  public static int seed(NDManager manager) {
    try (NDArray draw = manager.randomInteger(Integer.MIN_VALUE, Integer.MAX_VALUE, new Shape(1),
        DataType.INT64)) {
      return (int) draw.getLong();
    }
  }

  /** Element {@code i} is kept when {@code hash(seed, i) >>> 1} is below this. */
  public static int threshold(float keep) {
    return (int) Math.ceil(keep * 2147483648.0);
  }

  /**
   * Murmur3's 32-bit finaliser (a bijection that mixes every bit) of the index's golden-ratio
   * Weyl step from the seed: int arithmetic only, so vector code computes it lane by lane.
   */
  public static int hash(int seed, int i) {
    int h = seed + i * WEYL;
    h ^= h >>> 16;
    h *= 0x85EBCA6B;
    h ^= h >>> 13;
    h *= 0xC2B2AE35;
    return h ^ (h >>> 16);
  }

  /** The scaled keep mask of {@code shape}: {@code 1 / keep} where kept, else 0. */
  static NDArray mask(NDManager manager, Shape shape, int seed, float keep) {
    int n = Math.toIntExact(shape.size());
    NDArray mask = manager.create(shape, DataType.FLOAT32);
    // libtorch hands out the tensor's own memory (a direct buffer): the mask is written in place.
    ByteBuffer bytes = mask.toByteBuffer(true).order(ByteOrder.nativeOrder());
    FloatBuffer out = bytes.asFloatBuffer();
    int threshold = threshold(keep);
    float scale = 1f / keep;
    IntStream.range(0, (n + CHUNK - 1) / CHUNK).parallel().forEach(c -> {
      int end = Math.min(n, (c + 1) * CHUNK);
      for (int i = c * CHUNK; i < end; i++) {
        out.put(i, hash(seed, i) >>> 1 < threshold ? scale : 0f);
      }
    });
    if (!bytes.isDirect()) { // an engine that hands out a copy instead
      mask.set(bytes.rewind());
    }
    return mask;
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return inputShapes;
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {}
}
