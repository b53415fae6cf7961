package org.mambamixer.api.scan;

/**
 * One scan order of a selective mixer (spec D3): the S6 of a route sees the sequence forward or
 * reversed. Reversal is a flag of the scan (and an anti-causal conv), never a flipped copy.
 * Modalities with other orders (ViM2's cross-scan) permute the sequence before the mixer.
 *
 * @param name used in parameter names and logs
 * @param reverse scan from the last position to the first
 */
public record ScanRoute(String name, boolean reverse) {
  public static final ScanRoute FORWARD = new ScanRoute("fwd", false);
  public static final ScanRoute BACKWARD = new ScanRoute("bwd", true);
}
