package org.mambamixer.sequence.stream;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a block's children and parameters by the names their classes gave them. DJL prefixes each
 * child's name with its position ({@code 01in_proj}, {@code 02s6_forward}), which says nothing
 * about the block and changes when a child is added; the prefixes are dropped here.
 */
final class BlockParts {
  private BlockParts() {}

  /** The child of {@code block} named {@code name}. */
  static Block child(Block block, String name) {
    for (Pair<String, Block> c : block.getChildren()) {
      if (plain(c.getKey()).equals(name)) {
        return c.getValue();
      }
    }
    throw new IllegalArgumentException(block.getClass().getSimpleName() + " has no child '" + name
        + "'; it has " + block.getChildren().keys());
  }

  /** Every parameter of {@code block}'s subtree by its path without positions, e.g. conv_weight. */
  static Map<String, NDArray> parameters(Block block) {
    Map<String, NDArray> out = new TreeMap<>();
    for (Pair<String, Parameter> p : block.getParameters()) {
      out.put(plain(p.getKey()), p.getValue().getArray());
    }
    return out;
  }

  /** {@code 02s6_forward_01conv_weight} -> {@code s6_forward_conv_weight}. */
  static String plain(String name) {
    return name.replaceAll("(^|_)\\d{2}(?=[A-Za-z])", "$1");
  }
}
