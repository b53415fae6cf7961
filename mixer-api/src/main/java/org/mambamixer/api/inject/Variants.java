package org.mambamixer.api.inject;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.mambamixer.api.block.BackboneConfig;
import org.mambamixer.api.block.MambaMixerBackbone;
import org.mambamixer.api.block.MixerChoice;
import org.mambamixer.api.block.Norm;
import org.mambamixer.api.mixer.ChannelMixer;
import org.mambamixer.api.mixer.TokenMixer;
import org.mambamixer.api.scan.ScanBackend;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.api.skip.SkipAggregation;

/**
 * Every registered variant by kind and name, as the installed modules contributed them
 * ({@link Registries}). Model code asks for a name and gets a factory; an unknown name is an
 * {@link UnknownVariantException} listing the known ones. There is no condition on a name anywhere.
 */
@Singleton
public final class Variants {
  private final SortedMap<String, TokenMixer.Factory> tokenMixers;
  private final SortedMap<String, ChannelMixer.Factory> channelMixers;
  private final SortedMap<String, SkipAggregation.Factory> skips;
  private final SortedMap<String, Norm.Factory> norms;
  private final SortedMap<String, ScanBackend> scans;
  private final Map<String, SelectiveScan> openScans = new ConcurrentHashMap<>();

  @Inject
  public Variants(Map<String, TokenMixer.Factory> tokenMixers,
      Map<String, ChannelMixer.Factory> channelMixers, Map<String, SkipAggregation.Factory> skips,
      Map<String, Norm.Factory> norms, Map<String, ScanBackend> scans) {
    this.tokenMixers = new TreeMap<>(tokenMixers);
    this.channelMixers = new TreeMap<>(channelMixers);
    this.skips = new TreeMap<>(skips);
    this.norms = new TreeMap<>(norms);
    this.scans = new TreeMap<>(scans);
  }

  public TokenMixer.Factory tokenMixer(String name) {
    return lookup("token mixer", tokenMixers, name);
  }

  public ChannelMixer.Factory channelMixer(String name) {
    return lookup("channel mixer", channelMixers, name);
  }

  public SkipAggregation.Factory skip(String name) {
    return lookup("skip", skips, name);
  }

  public Norm.Factory norm(String name) {
    return lookup("norm", norms, name);
  }

  /**
   * The scan backend of that name, built once per injector and shared by every model built from
   * it; throws {@link IllegalStateException} with the reason when it cannot run on this machine.
   */
  public SelectiveScan scan(String name) {
    ScanBackend backend = lookup("scan backend", scans, name);
    return openScans.computeIfAbsent(name, n -> backend.create());
  }

  /** Checks every name of a choice, so a bad name fails before any work starts. */
  public void check(MixerChoice choice) {
    tokenMixer(choice.tokenMixer());
    channelMixer(choice.channelMixer());
    skip(choice.skip());
    norm(choice.norm());
  }

  /** Checks that a scan backend of that name is registered, without building it. */
  public void checkScan(String name) {
    lookup("scan backend", scans, name);
  }

  /** Builds the backbone that {@code config} names, on the given scan backend. */
  public MambaMixerBackbone backbone(BackboneConfig config, SelectiveScan scan) {
    MixerChoice v = config.variants();
    return new MambaMixerBackbone(config, tokenMixer(v.tokenMixer()),
        channelMixer(v.channelMixer()), skip(v.skip()), norm(v.norm()), scan);
  }

  /** Every registered name by kind, each with its one-line description, kinds and names sorted. */
  public SortedMap<String, SortedMap<String, String>> catalogue() {
    SortedMap<String, SortedMap<String, String>> all = new TreeMap<>();
    all.put("token-mixer", describe(tokenMixers, TokenMixer.Factory::description));
    all.put("channel-mixer", describe(channelMixers, ChannelMixer.Factory::description));
    all.put("skip", describe(skips, SkipAggregation.Factory::description));
    all.put("norm", describe(norms, Norm.Factory::description));
    all.put("scan", describe(scans, ScanBackend::description));
    return all;
  }

  private static <T> SortedMap<String, String> describe(SortedMap<String, T> entries,
      java.util.function.Function<T, String> description) {
    SortedMap<String, String> out = new TreeMap<>();
    entries.forEach((name, v) -> out.put(name, description.apply(v)));
    return out;
  }

  private static <T> T lookup(String kind, SortedMap<String, T> entries, String name) {
    T found = entries.get(name);
    if (found == null) {
      throw new UnknownVariantException(kind, name, entries.keySet());
    }
    return found;
  }
}
