package org.mambamixer.api.skip;

import java.util.List;

/** The history lengths every {@link SkipAggregation} expects (spec §4), checked in one place. */
final class Histories {
  private Histories() {}

  /** Checks layer l's token-mixer input: l token outputs and l channel outputs. */
  static void checkToken(int layers, int layer, List<?> yToken, List<?> yChannel) {
    check(layers, layer, yToken, layer, yChannel, layer);
  }

  /** Checks layer l's channel-mixer input: l + 1 token outputs and l channel outputs. */
  static void checkChannel(int layers, int layer, List<?> yToken, List<?> yChannel) {
    check(layers, layer, yToken, layer + 1, yChannel, layer);
  }

  private static void check(int layers, int layer, List<?> yToken, int tokens, List<?> yChannel,
      int channels) {
    if (layer < 1 || layer > layers) {
      throw new IllegalArgumentException("layer must be in 1.." + layers + ", got " + layer);
    }
    if (yToken.size() != tokens || yChannel.size() != channels) {
      throw new IllegalArgumentException("layer " + layer + " needs " + tokens
          + " token-mixer outputs and " + channels + " channel-mixer outputs, got "
          + yToken.size() + " and " + yChannel.size());
    }
  }
}
