package org.mambamixer.vision.data;

import java.util.Arrays;
import org.mambamixer.runtime.data.ImageSet;

/**
 * A training set split into what is trained on and a validation set held out of it, drawn by a
 * seeded shuffle (the standard image splits have no validation part). Model selection looks at
 * the validation set only, so the test split stays unseen until the final evaluation.
 *
 * @param train the images trained on, in their original order
 * @param val the held-out images, in their original order
 */
public record Holdout(ImageSet train, ImageSet val) {

  /**
   * Holds out {@code size} images of {@code set} chosen by {@code seed}; {@code size} 0 leaves
   * {@link #val} null.
   */
  public static Holdout of(ImageSet set, int size, long seed) {
    if (size < 0 || size >= set.size()) {
      throw new IllegalArgumentException("a validation set of " + size + " images must leave"
          + " training images out of " + set.size() + " in " + set.source());
    }
    if (size == 0) {
      return new Holdout(set, null);
    }
    long[] order = EpochShuffle.permutation(seed, -1, set.size()); // no epoch draws this order
    int[] val = new int[size];
    int[] train = new int[set.size() - size];
    for (int k = 0; k < size; k++) {
      val[k] = (int) order[k];
    }
    Arrays.sort(val);
    for (int i = 0, v = 0, t = 0; i < set.size(); i++) {
      if (v < size && val[v] == i) {
        v++;
      } else {
        train[t++] = i;
      }
    }
    return new Holdout(set.select(train, set.source() + " (train part)"),
        set.select(val, set.source() + " (validation part)"));
  }
}
