// Just enough of CUDA to run selective_scan.cu's kernels on the CPU, for tests on machines without
// a GPU: each block's threads take turns as fibers, so warp shuffles synchronise as on a device.
// Only what the kernels use: threadIdx/blockIdx/blockDim .x, __shfl_xor_sync, expf/log1pf, min.
// Used by fake_libcuda.cpp.
#pragma once
#include <ucontext.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
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

// A block's threads are fibers (ucontext) taking turns on the launching thread: each runs to its
// next barrier and hands over to the next, so when the last has arrived, all have. Lockstep then
// holds by construction, with no OS threads to schedule. Real threads were tried first and
// dropped: libstdc++ 12's std::barrier hung with no CPU used on a loaded 2-core machine, a
// mutex/condition-variable barrier took 188 s for FakeDriverTest idle, and an atomic-wait one
// 22 s idle but did not finish beside two busy processes.
class Block {
 public:
  Block(unsigned threads, std::function<void()> body) : body_(std::move(body)), fibers_(threads) {
    for (unsigned t = 0; t < threads; t++) {
      Fiber& f = fibers_[t];
      f.stack.reset(new char[kStack]);  // untouched pages cost no memory
      getcontext(&f.context);
      f.context.uc_stack.ss_sp = f.stack.get();
      f.context.uc_stack.ss_size = kStack;
      f.context.uc_link = &scheduler_;
      makecontext(&f.context, &Block::start, 0);
    }
  }

  // Resumes every unfinished thread once per round until all have returned.
  void run(unsigned block, unsigned threads) {
    running_ = this;
    for (bool left = true; left;) {
      left = false;
      for (unsigned t = 0; t < fibers_.size(); t++) {
        if (fibers_[t].done) {
          continue;
        }
        current_ = t;
        threadIdx.x = t;  // one OS thread for every fiber: its thread-locals follow the turn
        blockIdx.x = block;
        blockDim.x = threads;
        swapcontext(&scheduler_, &fibers_[t].context);
        left |= !fibers_[t].done;
      }
    }
    running_ = nullptr;
  }

  // The calling thread has arrived: the others run until they arrive too.
  static void arrive_and_wait() {
    Block* b = running_;
    swapcontext(&b->fibers_[b->current_].context, &b->scheduler_);
  }

 private:
  static constexpr size_t kStack = 256 * 1024;
  struct Fiber {
    ucontext_t context;
    std::unique_ptr<char[]> stack;
    bool done = false;
  };

  static void start() {
    Block* b = running_;
    b->body_();
    b->fibers_[b->current_].done = true;  // then uc_link returns to the scheduler
  }

  static inline thread_local Block* running_ = nullptr;
  std::function<void()> body_;
  std::vector<Fiber> fibers_;
  ucontext_t scheduler_;
  unsigned current_ = 0;
};
}  // namespace emu

inline float __shfl_xor_sync(unsigned, float v, int offset) {
  // Everyone publishes, everyone reads its partner, and nobody overwrites before all have read.
  emu::lanes[threadIdx.x] = v;
  emu::Block::arrive_and_wait();
  float other = emu::lanes[threadIdx.x ^ offset];
  emu::Block::arrive_and_wait();
  return other;
}

// Runs kernel(args...) on a 1-D grid, one block after another. Kernels without warp shuffles
// run their threads one after another on the caller's thread (lockstep = false), which is
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
    emu::Block block(threads, [=] { kernel(args...); });
    block.run(b, threads);
  }
}
