package org.mambamixer.cuda.inject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Guice;
import org.junit.jupiter.api.Test;
import org.mambamixer.api.inject.MixerModule;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.cuda.gpu.CudaProbe;

class KernelModuleTest {
  private final Variants variants =
      Guice.createInjector(new MixerModule(), new KernelModule()).getInstance(Variants.class);

  @Test
  void registersTheKernelBackendsBesideTheReference() {
    assertThat(variants.catalogue().get("scan"))
        .containsOnlyKeys("reference", "fused", "cpu", "cuda", "auto");
    assertThat(variants.scan("reference").name()).isEqualTo("reference");
    assertThat(variants.scan("cpu").name()).isEqualTo("cpu");
    assertThat(variants.scan("cpu").fusedMixer()).isEmpty();
    assertThat(variants.scan("fused").name()).isEqualTo("fused");
    assertThat(variants.scan("fused").fusedMixer()).isPresent();
    // The test JVMs run with the Vector API, so the CPU choice is the fused mixer.
    String expected = CudaProbe.verdict().available() ? "cuda" : "fused";
    assertThat(variants.scan("auto").name()).isEqualTo(expected);
  }

  @Test
  void explicitCudaWithoutADeviceIsAnErrorThatSaysWhyInOneLine() {
    if (CudaProbe.verdict().available()) {
      assertThat(variants.scan("cuda").name()).isEqualTo("cuda");
      return;
    }
    assertThatThrownBy(() -> variants.scan("cuda"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("scan backend cuda is unavailable: " + CudaProbe.verdict().describe());
  }

  @Test
  void unknownNamesListTheChoices() {
    assertThatThrownBy(() -> variants.scan("gpu"))
        .hasMessage("unknown scan backend 'gpu'; known: auto, cpu, cuda, fused, reference");
  }
}
