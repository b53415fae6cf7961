package org.mambamixer.api.mixer;

import java.util.List;
import org.mambamixer.api.scan.ScanRoute;
import org.mambamixer.api.ssm.S6Config;

/**
 * What a mixer factory needs to know about the backbone it builds for.
 *
 * @param ssm sizes of the selective SSMs (d_model, E, N, conv, R)
 * @param tokenAxis the token axis of the backbone's input, e.g. 2 for (B, M, P, D)
 * @param channelAxis the channel axis of the backbone's input, e.g. 1 for (B, M, P, D)
 * @param tokenRoutes the scan routes of the token mixer (D3/D4: forward only by default)
 * @param channelRoutes the scan routes of the channel mixer (D6: forward and backward)
 */
public record MixerSpec(
    S6Config ssm, int tokenAxis, int channelAxis, List<ScanRoute> tokenRoutes,
    List<ScanRoute> channelRoutes) {

  public MixerSpec {
    if (tokenAxis < 1 || channelAxis < 1 || tokenAxis == channelAxis) {
      throw new IllegalArgumentException("tokenAxis and channelAxis must be distinct axes >= 1, got "
          + tokenAxis + " and " + channelAxis);
    }
    if (tokenRoutes.isEmpty() || channelRoutes.isEmpty()) {
      throw new IllegalArgumentException("tokenRoutes and channelRoutes must not be empty");
    }
    tokenRoutes = List.copyOf(tokenRoutes);
    channelRoutes = List.copyOf(channelRoutes);
  }

  /** The paper's layout for a (B, C, L, D) input: causal token mixer, bidirectional channel mixer. */
  public static MixerSpec of(S6Config ssm) {
    return new MixerSpec(ssm, 2, 1, List.of(ScanRoute.FORWARD),
        List.of(ScanRoute.FORWARD, ScanRoute.BACKWARD));
  }

  public MixerSpec withTokenRoutes(List<ScanRoute> routes) {
    return new MixerSpec(ssm, tokenAxis, channelAxis, routes, channelRoutes);
  }

  public MixerSpec withChannelRoutes(List<ScanRoute> routes) {
    return new MixerSpec(ssm, tokenAxis, channelAxis, tokenRoutes, routes);
  }

  public int dModel() {
    return ssm.dModel();
  }
}
