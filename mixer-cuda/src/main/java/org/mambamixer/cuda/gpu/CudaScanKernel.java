package org.mambamixer.cuda.gpu;

import static org.bytedeco.cuda.global.cudart.cuCtxSetCurrent;
import static org.bytedeco.cuda.global.cudart.cuCtxSynchronize;
import static org.bytedeco.cuda.global.cudart.cuDeviceGet;
import static org.bytedeco.cuda.global.cudart.cuDevicePrimaryCtxRelease;
import static org.bytedeco.cuda.global.cudart.cuDevicePrimaryCtxRetain;
import static org.bytedeco.cuda.global.cudart.cuModuleGetFunction;
import static org.bytedeco.cuda.global.cudart.cuModuleLoadData;
import static org.bytedeco.cuda.global.cudart.cuModuleUnload;

import java.util.Arrays;
import org.bytedeco.cuda.cudart.CUctx_st;
import org.bytedeco.cuda.cudart.CUfunc_st;
import org.bytedeco.cuda.cudart.CUmod_st;
import org.bytedeco.javacpp.BytePointer;
import org.mambamixer.cuda.ScanKernel;
import org.mambamixer.cuda.ScanProblem;

/**
 * The selective scan on an NVIDIA GPU: the kernels of {@code src/main/cuda/selective_scan.cu},
 * shipped as PTX and loaded through the driver API. Each call copies its inputs to the device and
 * its results back (no device-resident tensors); the forward's chunk checkpoints come back to the
 * host as well, so a {@link ScanKernel.Forward} holds no device memory.
 *
 * <p>Not thread-safe across calls on purpose: calls are serialised, and each makes the device's
 * primary context current on the calling thread.
 */
public final class CudaScanKernel implements ScanKernel, AutoCloseable {

  /** Steps per checkpoint; must equal CHUNK in selective_scan.cu. */
  static final int CHUNK = 32;
  /** Largest state size; must equal MAX_DSTATE in selective_scan.cu. */
  static final int MAX_DSTATE = 64;
  /** Channels per block (one warp); must equal WARP in selective_scan.cu. */
  static final int WARP = 32;

  private static final int REDUCE_THREADS = 256;

  /**
   * The states entering each chunk of {@link #CHUNK} steps.
   *
   * @param states (chunks, N, B, D)
   */
  record Checkpoints(float[] states) {}

  private final int device;
  private final CUctx_st context = new CUctx_st();
  private final CUmod_st module = new CUmod_st();
  private final CUfunc_st forwardKernel = new CUfunc_st();
  private final CUfunc_st backwardKernel = new CUfunc_st();
  private final CUfunc_st sumKernel = new CUfunc_st();
  private boolean closed;

  /**
   * Binds to device 0.
   *
   * @throws IllegalStateException carrying {@link CudaProbe}'s reason when CUDA is unusable
   */
  public CudaScanKernel() {
    CudaProbe.Verdict verdict = CudaProbe.verdict();
    if (!verdict.available()) {
      throw new IllegalStateException(verdict.describe());
    }
    int[] dev = new int[1];
    CudaDriver.check(cuDeviceGet(dev, 0), "cuDeviceGet");
    device = dev[0];
    CudaDriver.check(cuDevicePrimaryCtxRetain(context, device), "cuDevicePrimaryCtxRetain");
    CudaDriver.check(cuCtxSetCurrent(context), "cuCtxSetCurrent");
    byte[] ptx = CudaProbe.ptx();
    // cuModuleLoadData reads PTX as a NUL-terminated string.
    try (BytePointer image = new BytePointer(Arrays.copyOf(ptx, ptx.length + 1))) {
      CudaDriver.check(cuModuleLoadData(module, image), "cuModuleLoadData(selective_scan.ptx)");
    }
    CudaDriver.check(cuModuleGetFunction(forwardKernel, module, "selective_scan_fwd"),
        "cuModuleGetFunction(selective_scan_fwd)");
    CudaDriver.check(cuModuleGetFunction(backwardKernel, module, "selective_scan_bwd"),
        "cuModuleGetFunction(selective_scan_bwd)");
    CudaDriver.check(cuModuleGetFunction(sumKernel, module, "sum_partials"),
        "cuModuleGetFunction(sum_partials)");
  }

  @Override
  public String name() {
    return "cuda";
  }

  @Override
  public synchronized Forward forward(ScanProblem p) {
    enter(p);
    int bdl = p.batch() * p.dim() * p.len();
    int bdn = p.batch() * p.dim() * p.dstate();
    try (DeviceMemory mem = new DeviceMemory()) {
      long out = mem.alloc(bdl);
      long last = mem.alloc(bdn);
      long checkpoints = mem.alloc((long) chunks(p) * bdn);
      CudaDriver.launch(forwardKernel, "selective_scan_fwd", blocks(p), WARP,
          mem.upload(p.u()), mem.upload(p.delta()), mem.upload(p.A()), mem.upload(p.B()),
          mem.upload(p.C()), mem.upload(p.dSkip()), mem.upload(p.z()), mem.upload(p.deltaBias()),
          mem.upload(p.h0()), out, last, checkpoints,
          p.batch(), p.dim(), p.len(), p.dstate(), flag(p.deltaSoftplus()), flag(p.reverse()));
      CudaDriver.check(cuCtxSynchronize(), "selective_scan_fwd");
      return new Forward(mem.download(out, bdl), mem.download(last, bdn),
          new Checkpoints(mem.download(checkpoints, Math.multiplyExact(chunks(p), bdn))));
    }
  }

  @Override
  public synchronized Gradients backward(ScanProblem p, Forward saved, float[] dout) {
    enter(p);
    int bdl = p.batch() * p.dim() * p.len();
    int bdn = p.batch() * p.dim() * p.dstate();
    int bd = p.batch() * p.dim();
    int bnl = p.batch() * p.dstate() * p.len();
    if (!(saved.checkpoints() instanceof Checkpoints ckpt)
        || ckpt.states().length != (long) chunks(p) * bdn) {
      throw new IllegalArgumentException("saved must be this kernel's forward of the same problem");
    }
    if (dout == null || dout.length != bdl) {
      throw new IllegalArgumentException("dout must hold (batch, dim, len) = " + bdl + " floats");
    }
    int tiles = tiles(p);
    try (DeviceMemory mem = new DeviceMemory()) {
      long du = mem.alloc(bdl);
      long ddelta = mem.alloc(bdl);
      long dz = p.z() == null ? 0L : mem.alloc(bdl);
      long dh0 = p.h0() == null ? 0L : mem.alloc(bdn);
      long dAPart = mem.alloc(bdn); // (B, D, N)
      long dDPart = p.dSkip() == null ? 0L : mem.alloc(bd); // (B, D)
      long dBiasPart = p.deltaBias() == null ? 0L : mem.alloc(bd); // (B, D)
      long dBPart = mem.alloc((long) tiles * bnl); // (tiles, B, N, L)
      long dCPart = mem.alloc((long) tiles * bnl);
      long scratch = mem.alloc((long) CHUNK * bdn); // (CHUNK, N, B, D)
      CudaDriver.launch(backwardKernel, "selective_scan_bwd", blocks(p), WARP,
          mem.upload(p.u()), mem.upload(p.delta()), mem.upload(p.A()), mem.upload(p.B()),
          mem.upload(p.C()), mem.upload(p.dSkip()), mem.upload(p.z()), mem.upload(p.deltaBias()),
          mem.upload(ckpt.states()), mem.upload(dout),
          du, ddelta, dz, dh0, dAPart, dDPart, dBiasPart, dBPart, dCPart, scratch,
          p.batch(), p.dim(), p.len(), p.dstate(), flag(p.deltaSoftplus()), flag(p.reverse()));
      long dA = sum(mem, dAPart, p.batch(), p.dim() * p.dstate());
      long dD = p.dSkip() == null ? 0L : sum(mem, dDPart, p.batch(), p.dim());
      long dBias = p.deltaBias() == null ? 0L : sum(mem, dBiasPart, p.batch(), p.dim());
      long dB = sum(mem, dBPart, tiles, bnl);
      long dC = sum(mem, dCPart, tiles, bnl);
      CudaDriver.check(cuCtxSynchronize(), "selective_scan_bwd");
      return new Gradients(
          mem.download(du, bdl),
          mem.download(ddelta, bdl),
          mem.download(dA, p.dim() * p.dstate()),
          mem.download(dB, bnl),
          mem.download(dC, bnl),
          dD == 0L ? null : mem.download(dD, p.dim()),
          dz == 0L ? null : mem.download(dz, bdl),
          dBias == 0L ? null : mem.download(dBias, p.dim()),
          dh0 == 0L ? null : mem.download(dh0, bdn));
    }
  }

  /** Releases the module and the primary context; the kernel is unusable afterwards. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      cuModuleUnload(module);
      cuDevicePrimaryCtxRelease(device);
    }
  }

  private void enter(ScanProblem p) {
    if (closed) {
      throw new IllegalStateException("CudaScanKernel is closed");
    }
    if (p.dstate() > MAX_DSTATE) {
      throw new IllegalArgumentException(
          "dstate " + p.dstate() + " exceeds the CUDA kernel's limit of " + MAX_DSTATE);
    }
    CudaDriver.check(cuCtxSetCurrent(context), "cuCtxSetCurrent");
  }

  /** parts (count, size) summed over count, in a fixed order, into a new (size) buffer. */
  private long sum(DeviceMemory mem, long parts, int count, long size) {
    long out = mem.alloc(size);
    CudaDriver.launch(sumKernel, "sum_partials", (size + REDUCE_THREADS - 1) / REDUCE_THREADS,
        REDUCE_THREADS, parts, out, count, size);
    return out;
  }

  private static int tiles(ScanProblem p) {
    return (p.dim() + WARP - 1) / WARP;
  }

  private static long blocks(ScanProblem p) {
    return (long) p.batch() * tiles(p);
  }

  private static int chunks(ScanProblem p) {
    return (p.len() + CHUNK - 1) / CHUNK;
  }

  private static int flag(boolean b) {
    return b ? 1 : 0;
  }
}
