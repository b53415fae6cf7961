package org.mambamixer.api.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class FlagsTest {
  private static final Flags.Spec SPEC = new Flags.Spec()
      .option("horizon", "H", "96", "horizons")
      .option("lr", "RATE", null, "learning rate")
      .option("scan", "NAME", "auto", "backend")
      .flag("resume", "resume");

  @Test
  void parsesBothFormsDefaultsAndSwitches() {
    Flags f = SPEC.parse(List.of("--horizon=96,192", "--lr", "3e-4", "--resume"));
    assertThat(f.intList("horizon")).containsExactly(96, 192);
    assertThat(f.number("lr")).isEqualTo(3e-4f);
    assertThat(f.bool("resume")).isTrue();
    assertThat(f.string("scan")).isEqualTo("auto");
    assertThat(f.has("scan")).isFalse();
    assertThat(SPEC.usage()).contains("--horizon H").contains("(default 96)");
  }

  @Test
  void badFlagsAreNamed() {
    assertThatThrownBy(() -> SPEC.parse(List.of("--lookback", "96")))
        .isInstanceOf(UsageException.class).hasMessageContaining("unknown flag --lookback")
        .hasMessageContaining("--horizon");
    assertThatThrownBy(() -> SPEC.parse(List.of("--lr")))
        .hasMessageContaining("--lr needs a value (RATE)");
    assertThatThrownBy(() -> SPEC.parse(List.of("--lr", "fast")).number("lr"))
        .hasMessageContaining("--lr must be a finite number, got 'fast'");
    assertThatThrownBy(() -> SPEC.parse(List.of("--horizon", "96,-1")).intList("horizon"))
        .hasMessageContaining("--horizon must be a comma-separated list of positive integers");
    assertThatThrownBy(() -> SPEC.parse(List.of("--scan", "tpu")).choice("scan", "cpu", "cuda"))
        .hasMessageContaining("--scan must be one of cpu, cuda, got 'tpu'");
    assertThatThrownBy(() -> SPEC.parse(List.of("stray")))
        .hasMessageContaining("unexpected argument 'stray'");
    assertThatThrownBy(() -> SPEC.parse(List.of()).required("lr"))
        .hasMessageContaining("--lr is required");
  }
}
