package org.mambamixer.ablations.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/extending.md shows a real variant: its class, binding and services entry as they are. */
class ExtendingDocVariantTest {

  @Test
  void theDocShowsTheLinearTokenMixerAsItIs() throws Exception {
    String doc = Files.readString(Path.of("../docs/extending.md"));
    assertThat(doc).contains(Files.readString(Path.of(
        "src/main/java/org/mambamixer/ablations/variants/LinearTokenMixer.java")));
    String binding =
        "Registries.tokenMixers(binder()).addBinding(\"linear\").to(LinearTokenMixer.Factory.class);";
    assertThat(Files.readString(Path.of(
        "src/main/java/org/mambamixer/ablations/inject/VariantModule.java"))).contains(binding);
    assertThat(doc).contains(binding);
    String services = Files.readString(
        Path.of("src/main/resources/META-INF/services/com.google.inject.Module")).strip();
    assertThat(doc).contains("```\n" + services + "\n```");
  }
}
