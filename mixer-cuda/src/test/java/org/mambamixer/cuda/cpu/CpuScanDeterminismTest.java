package org.mambamixer.cuda.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.mambamixer.cuda.ScanFixture;
import org.mambamixer.cuda.ScanKernel;
import org.mambamixer.cuda.ScanProblem;

/** Gradients do not depend on the thread count, to the bit. */
class CpuScanDeterminismTest {

  @Test
  void gradientsAreBitwiseIdenticalForAnyThreadCount() {
    // 150 channels = 3 groups of tiles, the last one partial, so cross-unit sums are exercised.
    ScanFixture f = new ScanFixture(3, 150, 77, 16, true, true, true, true, true, true, 11);
    ScanProblem p = f.problem();
    ScanKernel.Gradients one = gradients(new CpuScanKernel(1, 32), p, f.outGrad());
    for (int threads : new int[] {2, 3, 5}) {
      ScanKernel.Gradients many = gradients(new CpuScanKernel(threads, 32), p, f.outGrad());
      String t = threads + " threads";
      assertThat(many.du()).as(t + " du").containsExactly(one.du());
      assertThat(many.ddelta()).as(t + " ddelta").containsExactly(one.ddelta());
      assertThat(many.dA()).as(t + " dA").containsExactly(one.dA());
      assertThat(many.dB()).as(t + " dB").containsExactly(one.dB());
      assertThat(many.dC()).as(t + " dC").containsExactly(one.dC());
      assertThat(many.dD()).as(t + " dD").containsExactly(one.dD());
      assertThat(many.dz()).as(t + " dz").containsExactly(one.dz());
      assertThat(many.dDeltaBias()).as(t + " dDeltaBias").containsExactly(one.dDeltaBias());
      assertThat(many.dh0()).as(t + " dh0").containsExactly(one.dh0());
    }
    assertThat(one.dB()).as("dB is not trivially zero").isNotEqualTo(new float[one.dB().length]);
  }

  private static ScanKernel.Gradients gradients(CpuScanKernel k, ScanProblem p, float[] dout) {
    return k.backward(p, k.forward(p), dout);
  }
}
