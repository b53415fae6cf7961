package org.mambamixer.cuda.gpu;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.mambamixer.cuda.ScanKernel;
import org.mambamixer.cuda.ScanProblem;

/**
 * selective_scan.cu's kernels run on the CPU by {@code src/test/cuda/kernel_emulator.cpp} (built
 * with g++ over a minimal CUDA emulation), behind the {@link ScanKernel} contract: the kernels'
 * indexing, chunked checkpoints, warp reductions and partial sums get tested where no GPU is.
 */
final class EmulatedCudaKernel implements ScanKernel {

  private final Path executable;
  private final Path work;

  EmulatedCudaKernel(Path executable, Path work) {
    this.executable = executable;
    this.work = work;
  }

  /** Compiles the emulator into dir, or returns null with the reason printed when g++ fails. */
  static Path build(Path dir) throws IOException, InterruptedException {
    Path exe = dir.resolve("kernel_emulator");
    Process gpp = new ProcessBuilder("g++", "-std=c++20", "-O1", "-pthread", "-o", exe.toString(),
        "src/test/cuda/kernel_emulator.cpp").redirectErrorStream(true).start();
    String log = new String(gpp.getInputStream().readAllBytes());
    if (!gpp.waitFor(120, TimeUnit.SECONDS) || gpp.exitValue() != 0) {
      throw new IllegalStateException("g++ failed to build the kernel emulator:\n" + log);
    }
    return exe;
  }

  @Override
  public String name() {
    return "cuda-emulated";
  }

  @Override
  public Forward forward(ScanProblem p) {
    int bdl = p.batch() * p.dim() * p.len();
    int bdn = p.batch() * p.dim() * p.dstate();
    int chunks = (p.len() + CudaScanKernel.CHUNK - 1) / CudaScanKernel.CHUNK;
    ByteBuffer out = run("fwd", inputs(p, List.of()));
    return new Forward(take(out, bdl), take(out, bdn),
        new CudaScanKernel.Checkpoints(take(out, chunks * bdn)));
  }

  @Override
  public Gradients backward(ScanProblem p, Forward saved, float[] dout) {
    int bdl = p.batch() * p.dim() * p.len();
    int bnl = p.batch() * p.dstate() * p.len();
    float[] ckpt = ((CudaScanKernel.Checkpoints) saved.checkpoints()).states();
    ByteBuffer out = run("bwd", inputs(p, List.of(ckpt, dout)));
    float[] du = take(out, bdl);
    float[] ddelta = take(out, bdl);
    float[] dA = take(out, p.dim() * p.dstate());
    float[] dB = take(out, bnl);
    float[] dC = take(out, bnl);
    float[] dD = p.dSkip() == null ? null : take(out, p.dim());
    float[] dz = p.z() == null ? null : take(out, bdl);
    float[] dBias = p.deltaBias() == null ? null : take(out, p.dim());
    float[] dh0 = p.h0() == null ? null : take(out, p.batch() * p.dim() * p.dstate());
    return new Gradients(du, ddelta, dA, dB, dC, dD, dz, dBias, dh0);
  }

  private static List<float[]> inputs(ScanProblem p, List<float[]> extra) {
    List<float[]> arrays = new ArrayList<>(List.of(p.u(), p.delta(), p.A(), p.B(), p.C()));
    for (float[] optional : new float[][] {p.dSkip(), p.z(), p.deltaBias(), p.h0()}) {
      if (optional != null) {
        arrays.add(optional);
      }
    }
    arrays.addAll(extra);
    List<float[]> all = new ArrayList<>();
    all.add(new float[] {
        p.batch(), p.dim(), p.len(), p.dstate(), flag(p.deltaSoftplus()), flag(p.reverse()),
        flag(p.dSkip() != null), flag(p.z() != null), flag(p.deltaBias() != null),
        flag(p.h0() != null)});
    all.addAll(arrays);
    return all;
  }

  /** Writes the header (first entry, as int32) and the arrays, runs the emulator, reads back. */
  private ByteBuffer run(String mode, List<float[]> data) {
    try {
      long total = 0;
      for (float[] a : data) {
        total += a.length;
      }
      ByteBuffer in = ByteBuffer.allocate(Math.toIntExact(total * 4)).order(ByteOrder.LITTLE_ENDIAN);
      for (float v : data.get(0)) {
        in.putInt((int) v);
      }
      for (float[] a : data.subList(1, data.size())) {
        for (float v : a) {
          in.putFloat(v);
        }
      }
      Path inFile = work.resolve(mode + ".in");
      Path outFile = work.resolve(mode + ".out");
      Files.write(inFile, in.array());
      Process proc = new ProcessBuilder(executable.toString(), mode, inFile.toString(),
          outFile.toString()).redirectErrorStream(true).start();
      String log = new String(proc.getInputStream().readAllBytes());
      if (!proc.waitFor(300, TimeUnit.SECONDS) || proc.exitValue() != 0) {
        throw new IllegalStateException("kernel emulator " + mode + " failed: " + log);
      }
      return ByteBuffer.wrap(Files.readAllBytes(outFile)).order(ByteOrder.LITTLE_ENDIAN);
    } catch (IOException e) {
      throw new IllegalStateException("kernel emulator I/O", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static float[] take(ByteBuffer b, int n) {
    float[] a = new float[n];
    b.asFloatBuffer().get(a);
    b.position(b.position() + 4 * n);
    return a;
  }

  private static float flag(boolean b) {
    return b ? 1 : 0;
  }
}
