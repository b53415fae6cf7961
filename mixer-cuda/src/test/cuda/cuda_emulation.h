// Just enough of CUDA to run selective_scan.cu's kernels on the CPU, for tests on machines without
// a GPU: each block's threads are real threads, so warp shuffles synchronise as on a device.
// Only what the kernels use: threadIdx/blockIdx/blockDim .x, __shfl_xor_sync, expf/log1pf, min.
// Used by fake_libcuda.cpp.
#pragma once
#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#define __global__
#define __device__
#define __forceinline__ inline

struct EmuDim3 {
  unsigned x = 0, y = 0, z = 0;
};
thread_local EmuDim3 threadIdx, blockIdx, blockDim;
using std::min;

namespace emu {
constexpr int kMaxThreads = 1024;
float lanes[kMaxThreads];

// A barrier counting generations on a mutex and a condition variable. libstdc++ 12's
// std::barrier, used before, hung here: a block's threads all waiting in arrive_and_wait with no
// CPU used, under a loaded 2-core machine (FakeDriverTest, 2026-12-07).
class Barrier {
 public:
  explicit Barrier(unsigned n) : n_(n) {}
  void arrive_and_wait() {
    std::unique_lock<std::mutex> lock(m_);
    unsigned generation = generation_;
    if (++arrived_ == n_) {
      arrived_ = 0;
      generation_++;
      cv_.notify_all();
      return;
    }
    cv_.wait(lock, [&] { return generation_ != generation; });
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  unsigned n_;
  unsigned arrived_ = 0;
  unsigned generation_ = 0;
};

Barrier* block_barrier = nullptr;
}  // namespace emu

inline float __shfl_xor_sync(unsigned, float v, int offset) {
  // Everyone publishes, everyone reads its partner, and nobody overwrites before all have read.
  emu::lanes[threadIdx.x] = v;
  emu::block_barrier->arrive_and_wait();
  float other = emu::lanes[threadIdx.x ^ offset];
  emu::block_barrier->arrive_and_wait();
  return other;
}

// Runs kernel(args...) on a 1-D grid, one block after another. Kernels without warp shuffles
// run their threads one after another on the caller's thread (lockstep = false), which is much
// faster and equivalent for them.
template <typename... Params, typename... Args>
void emu_launch(bool lockstep, void (*kernel)(Params...), unsigned blocks, unsigned threads,
                Args... args) {
  for (unsigned b = 0; b < blocks; b++) {
    if (!lockstep) {
      for (unsigned t = 0; t < threads; t++) {
        threadIdx.x = t;
        blockIdx.x = b;
        blockDim.x = threads;
        kernel(args...);
      }
      continue;
    }
    emu::Barrier barrier(threads);
    emu::block_barrier = &barrier;
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; t++) {
      pool.emplace_back([=] {
        threadIdx.x = t;
        blockIdx.x = b;
        blockDim.x = threads;
        kernel(args...);
      });
    }
    for (auto& th : pool) {
      th.join();
    }
  }
}
