package org.mambamixer.cuda.inject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.ProvisionException;
import org.junit.jupiter.api.Test;
import org.mambamixer.api.inject.MixerModule;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.cuda.gpu.CudaProbe;

class ScanBackendModuleTest {

  private static SelectiveScan bound(ScanBackend b) {
    Injector injector = Guice.createInjector(new MixerModule(), new ScanBackendModule(b));
    return injector.getInstance(SelectiveScan.class);
  }

  @Test
  void eachBackendIsBoundByItsModule() {
    assertThat(bound(ScanBackend.REFERENCE).name()).isEqualTo("reference");
    assertThat(bound(ScanBackend.CPU).name()).isEqualTo("cpu");
    String expected = CudaProbe.verdict().available() ? "cuda" : "cpu";
    assertThat(bound(ScanBackend.AUTO).name()).isEqualTo(expected);
  }

  @Test
  void explicitCudaWithoutADeviceIsAnErrorThatSaysWhy() {
    if (CudaProbe.verdict().available()) {
      assertThat(bound(ScanBackend.CUDA).name()).isEqualTo("cuda");
      return;
    }
    assertThatThrownBy(() -> bound(ScanBackend.CUDA))
        .isInstanceOf(ProvisionException.class)
        .hasMessageContaining("scan backend cuda is unavailable")
        .hasMessageContaining(CudaProbe.verdict().describe());
  }

  @Test
  void unknownNamesListTheChoices() {
    assertThat(ScanBackend.parse("Auto")).isEqualTo(ScanBackend.AUTO);
    assertThatThrownBy(() -> ScanBackend.parse("gpu"))
        .hasMessageContaining("unknown scan backend 'gpu'").hasMessageContaining("cuda");
  }
}
