// Runs selective_scan.cu's kernels on the CPU (cuda_emulation.h) with the same buffers and
// launches as CudaScanKernel, for KernelEmulationTest.
//   kernel_emulator fwd|bwd IN OUT
// IN: int32 header {batch, dim, len, dstate, softplus, reverse, hasD, hasZ, hasBias, hasH0}, then
// float32 u, delta, A, B, C, [D], [z], [delta_bias], [h0], and for bwd: checkpoints, dout.
// OUT (float32): fwd: out, last_state, checkpoints; bwd: du, ddelta, dA, dB, dC, [dD], [dz],
// [ddelta_bias], [dh0]. All little-endian, C order.
#include <cstdio>
#include <cstdint>
#include <limits>
#include <string>
#include "cuda_emulation.h"
#include "../../main/cuda/selective_scan.cu"

static FILE* in_file;
static FILE* out_file;

static std::vector<float> read_floats(long long n) {
  std::vector<float> v(n);
  if (n > 0 && fread(v.data(), sizeof(float), n, in_file) != (size_t) n) {
    fprintf(stderr, "short input\n");
    exit(3);
  }
  return v;
}

static void write_floats(const std::vector<float>& v) {
  fwrite(v.data(), sizeof(float), v.size(), out_file);
}

// Device memory starts as NaN, so a kernel that reads what nobody wrote shows up in the results.
static std::vector<float> alloc(long long n) {
  return std::vector<float>(n, std::numeric_limits<float>::quiet_NaN());
}

static float* ptr(std::vector<float>& v) { return v.empty() ? nullptr : v.data(); }

int main(int argc, char** argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: kernel_emulator fwd|bwd IN OUT\n");
    return 2;
  }
  std::string mode = argv[1];
  in_file = fopen(argv[2], "rb");
  out_file = fopen(argv[3], "wb");
  int32_t h[10];
  if (!in_file || !out_file || fread(h, sizeof(int32_t), 10, in_file) != 10) {
    fprintf(stderr, "cannot read %s or write %s\n", argv[2], argv[3]);
    return 2;
  }
  const int batch = h[0], dim = h[1], len = h[2], dstate = h[3], softplus = h[4], reverse = h[5];
  const long long bdl = (long long) batch * dim * len, bnl = (long long) batch * dstate * len;
  const long long bdn = (long long) batch * dim * dstate, bd = (long long) batch * dim;
  std::vector<float> u = read_floats(bdl), delta = read_floats(bdl), A = read_floats(dim * dstate);
  std::vector<float> B = read_floats(bnl), C = read_floats(bnl);
  std::vector<float> D = h[6] ? read_floats(dim) : std::vector<float>();
  std::vector<float> z = h[7] ? read_floats(bdl) : std::vector<float>();
  std::vector<float> bias = h[8] ? read_floats(dim) : std::vector<float>();
  std::vector<float> h0 = h[9] ? read_floats(bdn) : std::vector<float>();
  const int tiles = (dim + WARP - 1) / WARP;
  const int chunks = (len + CHUNK - 1) / CHUNK;
  const unsigned blocks = (unsigned) (batch * tiles);

  if (mode == "fwd") {
    std::vector<float> out = alloc(bdl), last = alloc(bdn), ckpt = alloc(chunks * bdn);
    emu_launch(false, selective_scan_fwd, blocks, WARP, ptr(u), ptr(delta), ptr(A), ptr(B), ptr(C),
        ptr(D), ptr(z), ptr(bias), ptr(h0), ptr(out), ptr(last), ptr(ckpt),
        batch, dim, len, dstate, softplus, reverse);
    write_floats(out);
    write_floats(last);
    write_floats(ckpt);
  } else {
    std::vector<float> ckpt = read_floats(chunks * bdn), dout = read_floats(bdl);
    std::vector<float> du = alloc(bdl), ddelta = alloc(bdl);
    std::vector<float> dz = h[7] ? alloc(bdl) : std::vector<float>();
    std::vector<float> dh0 = h[9] ? alloc(bdn) : std::vector<float>();
    std::vector<float> dA_part = alloc(bdn);
    std::vector<float> dD_part = h[6] ? alloc(bd) : std::vector<float>();
    std::vector<float> dbias_part = h[8] ? alloc(bd) : std::vector<float>();
    std::vector<float> dB_part = alloc(tiles * bnl), dC_part = alloc(tiles * bnl);
    std::vector<float> scratch = alloc((long long) CHUNK * bdn);
    emu_launch(true, selective_scan_bwd, blocks, WARP, ptr(u), ptr(delta), ptr(A), ptr(B), ptr(C),
        ptr(D), ptr(z), ptr(bias), ptr(ckpt), ptr(dout), ptr(du), ptr(ddelta), ptr(dz), ptr(dh0),
        ptr(dA_part), ptr(dD_part), ptr(dbias_part), ptr(dB_part), ptr(dC_part), ptr(scratch),
        batch, dim, len, dstate, softplus, reverse);
    auto sum = [](std::vector<float>& parts, int count, long long size) {
      std::vector<float> out = alloc(size);
      const unsigned threads = 256;
      emu_launch(false, sum_partials, (unsigned) ((size + threads - 1) / threads), threads,
          (const float*) parts.data(), out.data(), count, size);
      return out;
    };
    write_floats(du);
    write_floats(ddelta);
    write_floats(sum(dA_part, batch, (long long) dim * dstate));
    write_floats(sum(dB_part, tiles, bnl));
    write_floats(sum(dC_part, tiles, bnl));
    if (h[6]) write_floats(sum(dD_part, batch, dim));
    if (h[7]) write_floats(dz);
    if (h[8]) write_floats(sum(dbias_part, batch, dim));
    if (h[9]) write_floats(dh0);
  }
  fclose(out_file);
  return 0;
}
