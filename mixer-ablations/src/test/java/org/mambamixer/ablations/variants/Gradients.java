package org.mambamixer.ablations.variants;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.mambamixer.api.util.MaxError;

/** Comparing the gradients of one model computed two ways. */
final class Gradients {
  private Gradients() {}

  /**
   * Each of {@code actual} within {@code rtol} of its counterpart's largest magnitude, from index
   * {@code from} on. A gradient the expected path leaves all zero must be all zero too, and only
   * under the softmax skip, whose first layer of a stage weighs a single history.
   */
  static void assertAgree(List<float[]> actual, List<float[]> expected, int from, String skip,
      double rtol) {
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = from; i < expected.size(); i++) {
      float[] a = actual.get(i);
      float[] e = expected.get(i);
      MaxError err = MaxError.of(e.length, k -> a[k], k -> e[k]);
      if (err.scale() == 0) {
        assertThat(skip).as("gradient %d is zero", i).isEqualTo("softmax");
        assertThat(err.maxAbs()).as("gradient %d", i).isZero();
      } else {
        assertThat(err.maxAbs() / err.scale()).as("gradient %d %s", i, err)
            .isLessThanOrEqualTo(rtol);
      }
    }
  }
}
