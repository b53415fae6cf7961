package org.mambamixer.api.inject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import org.junit.jupiter.api.Test;
import org.mambamixer.api.block.BackboneConfig;
import org.mambamixer.api.block.MixerChoice;
import org.mambamixer.api.mixer.MixerSpec;
import org.mambamixer.api.mixer.SelectiveTokenMixer;
import org.mambamixer.api.mixer.TokenMixer;
import org.mambamixer.api.scan.ReferenceScan;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.api.skip.FrozenAverage;
import org.mambamixer.api.skip.ResidualSkip;
import org.mambamixer.api.skip.SoftmaxAverage;
import org.mambamixer.api.skip.WeightedAverage;

class VariantsTest {
  private static final Variants VARIANTS =
      Guice.createInjector(new MixerModule()).getInstance(Variants.class);

  @Test
  void registersMixerApisVariantsByKindAndName() {
    assertThat(VARIANTS.catalogue().get("token-mixer"))
        .containsOnlyKeys("selective", "selective-bidirectional");
    assertThat(VARIANTS.catalogue().get("channel-mixer"))
        .containsOnlyKeys("selective", "selective-bidirectional");
    assertThat(VARIANTS.catalogue().get("skip"))
        .containsOnlyKeys("learned", "softmax", "frozen", "residual");
    assertThat(VARIANTS.catalogue().get("norm")).containsOnlyKeys("layer", "rms");
    assertThat(VARIANTS.catalogue().get("scan")).containsOnlyKeys("reference");
    VARIANTS.catalogue().values().forEach(kind -> assertThat(kind.values()).allMatch(
        d -> !d.isBlank() && !d.contains("\n")));
    assertThat(VARIANTS.scan("reference")).isInstanceOf(ReferenceScan.class)
        .isSameAs(VARIANTS.scan("reference"));
  }

  @Test
  void eachSkipNameBuildsItsOwnClass() {
    BackboneConfig base = BackboneConfig.of(2, 8);
    SelectiveScan scan = new ReferenceScan();
    assertThat(VARIANTS.backbone(base, scan).skip()).isExactlyInstanceOf(WeightedAverage.class);
    assertThat(VARIANTS.backbone(base.withSkip("softmax"), scan).skip())
        .isInstanceOf(SoftmaxAverage.class);
    assertThat(VARIANTS.backbone(base.withSkip("frozen"), scan).skip())
        .isInstanceOf(FrozenAverage.class);
    assertThat(VARIANTS.backbone(base.withSkip("residual"), scan).skip())
        .isInstanceOf(ResidualSkip.class);
  }

  @Test
  void routesFollowTheVariantName() {
    SelectiveScan scan = new ReferenceScan();
    TokenMixer forward = new SelectiveTokenMixer.Forward()
        .create(BackboneConfig.of(1, 8).mixers(), 1, scan);
    TokenMixer both = VARIANTS.tokenMixer("selective-bidirectional")
        .create(BackboneConfig.of(1, 8).mixers(), 1, scan);
    assertThat(forward.getChildren().keys()).noneMatch(k -> k.contains("s6_bwd"));
    assertThat(both.getChildren().keys()).anyMatch(k -> k.contains("s6_bwd"))
        .anyMatch(k -> k.contains("s6_fwd"));
  }

  @Test
  void anUnknownNameIsAnErrorListingTheKnownOnes() {
    assertThatThrownBy(() -> VARIANTS.check(MixerChoice.DEFAULT.withTokenMixer("nope")))
        .isInstanceOf(UnknownVariantException.class)
        .hasMessage("unknown token mixer 'nope'; known: selective, selective-bidirectional");
    assertThatThrownBy(() -> VARIANTS.scan("gpu"))
        .hasMessage("unknown scan backend 'gpu'; known: reference");
  }

  @Test
  void anotherModuleAddsAVariantWithOneBinding() {
    Variants more = Guice.createInjector(new MixerModule(), new AbstractModule() {
      @Override
      protected void configure() {
        Registries.tokenMixers(binder()).addBinding("test-only").to(TestOnly.class);
      }
    }).getInstance(Variants.class);
    assertThat(more.catalogue().get("token-mixer")).containsEntry("test-only", "test variant");
    assertThat(more.backbone(BackboneConfig.of(1, 8).withTokenMixer("test-only"),
        new ReferenceScan()).config().variants().tokenMixer()).isEqualTo("test-only");
  }

  /** A variant defined only in test code. */
  static final class TestOnly implements TokenMixer.Factory {
    @Override
    public TokenMixer create(MixerSpec spec, int layer, SelectiveScan scan) {
      return new SelectiveTokenMixer.Forward().create(spec, layer, scan);
    }

    @Override
    public String description() {
      return "test variant";
    }
  }
}
