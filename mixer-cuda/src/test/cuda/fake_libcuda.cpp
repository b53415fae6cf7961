// A stand-in for the NVIDIA driver (libcuda.so.1) that keeps "device" memory in host memory and
// runs selective_scan.cu's kernels through cuda_emulation.h. Put its directory on
// LD_LIBRARY_PATH and bytedeco's CUDA bindings load it like the real driver, so CudaProbe,
// CudaScanKernel and its argument marshalling run end to end on a machine without a GPU.
// Only the calls CudaProbe and CudaScanKernel make exist here; the symbol names are those
// bytedeco's libjnicudart.so imports (cuMemAlloc_v2 and friends). Single-threaded callers only.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>
#include <string>
#include <type_traits>
#include <utility>
#include "cuda_emulation.h"
#include "../../main/cuda/selective_scan.cu"

namespace {

constexpr int kSuccess = 0;
constexpr int kInvalidValue = 1;
constexpr int kInvalidDevice = 101;
constexpr int kInvalidImage = 200;
constexpr int kInvalidContext = 201;
constexpr int kNotFound = 500;
constexpr int kInvalidHandle = 400;

int context_token;
int module_token;
std::map<uint64_t, size_t> allocations;  // device pointer -> bytes

// Reads each parameter from params[i] as the kernel's i-th parameter type, as the real driver
// does: a Java argument of the wrong width shows up as a wrong value.
template <typename... P, size_t... I>
void invoke(void (*kernel)(P...), bool lockstep, unsigned blocks, unsigned threads,
            void** params, std::index_sequence<I...>) {
  emu_launch(lockstep, kernel, blocks, threads,
             *static_cast<std::remove_cv_t<P>*>(params[I])...);
}

template <typename... P>
void run(void (*kernel)(P...), bool lockstep, unsigned blocks, unsigned threads, void** params) {
  invoke(kernel, lockstep, blocks, threads, params, std::index_sequence_for<P...>{});
}

struct Function {
  const char* name;
  void (*run)(unsigned blocks, unsigned threads, void** params);
};

Function functions[] = {
    {"selective_scan_fwd", [](unsigned b, unsigned t, void** p) { run(selective_scan_fwd, false, b, t, p); }},
    {"selective_scan_bwd", [](unsigned b, unsigned t, void** p) { run(selective_scan_bwd, true, b, t, p); }},
    {"sum_partials", [](unsigned b, unsigned t, void** p) { run(sum_partials, false, b, t, p); }},
};

bool is_allocation(uint64_t ptr, size_t bytes) {
  auto it = allocations.upper_bound(ptr);
  if (it == allocations.begin()) return false;
  --it;
  return ptr + bytes <= it->first + it->second;
}

}  // namespace

extern "C" {

int cuInit(unsigned) { return kSuccess; }

int cuDeviceGetCount(int* count) {
  // FAKE_CUDA_DEVICES=0 plays a driver without a device.
  const char* devices = getenv("FAKE_CUDA_DEVICES");
  *count = devices ? atoi(devices) : 1;
  return kSuccess;
}

int cuDeviceGet(int* device, int ordinal) {
  if (ordinal != 0) return kInvalidDevice;
  *device = 0;
  return kSuccess;
}

int cuDeviceGetName(char* name, int len, int device) {
  if (device != 0 || len < 1) return kInvalidValue;
  strncpy(name, "Emulated device (fake libcuda)", len);
  name[len - 1] = 0;
  return kSuccess;
}

int cuGetErrorName(int error, const char** name) {
  static const std::map<int, const char*> names = {
      {kSuccess, "CUDA_SUCCESS"}, {kInvalidValue, "CUDA_ERROR_INVALID_VALUE"},
      {kInvalidDevice, "CUDA_ERROR_INVALID_DEVICE"}, {kInvalidImage, "CUDA_ERROR_INVALID_IMAGE"},
      {kInvalidContext, "CUDA_ERROR_INVALID_CONTEXT"}, {kNotFound, "CUDA_ERROR_NOT_FOUND"},
      {kInvalidHandle, "CUDA_ERROR_INVALID_HANDLE"}};
  auto it = names.find(error);
  if (it == names.end()) return kInvalidValue;
  *name = it->second;
  return kSuccess;
}

int cuDevicePrimaryCtxRetain(void** ctx, int device) {
  if (device != 0) return kInvalidDevice;
  *ctx = &context_token;
  return kSuccess;
}

int cuDevicePrimaryCtxRelease_v2(int device) { return device == 0 ? kSuccess : kInvalidDevice; }

int cuCtxSetCurrent(void* ctx) { return ctx == &context_token ? kSuccess : kInvalidContext; }

int cuCtxSynchronize() { return kSuccess; }

int cuModuleLoadData(void** module, const void* image) {
  // The real driver JIT-compiles the PTX; here it only has to be the right PTX.
  if (!strstr(static_cast<const char*>(image), ".visible .entry selective_scan_fwd(")) {
    return kInvalidImage;
  }
  *module = &module_token;
  return kSuccess;
}

int cuModuleUnload(void* module) { return module == &module_token ? kSuccess : kInvalidHandle; }

int cuModuleGetFunction(void** function, void* module, const char* name) {
  if (module != &module_token) return kInvalidHandle;
  for (Function& f : functions) {
    if (strcmp(f.name, name) == 0) {
      *function = &f;
      return kSuccess;
    }
  }
  return kNotFound;
}

int cuMemAlloc_v2(uint64_t* ptr, size_t bytes) {
  if (bytes == 0) return kInvalidValue;
  // Fresh device memory is NaN, so a kernel reading what nobody wrote is caught by the results.
  float* mem = static_cast<float*>(malloc(bytes));
  for (size_t i = 0; i < bytes / sizeof(float); i++) mem[i] = std::numeric_limits<float>::quiet_NaN();
  *ptr = reinterpret_cast<uint64_t>(mem);
  allocations[*ptr] = bytes;
  return kSuccess;
}

int cuMemFree_v2(uint64_t ptr) {
  auto it = allocations.find(ptr);
  if (it == allocations.end()) return kInvalidValue;
  free(reinterpret_cast<void*>(ptr));
  allocations.erase(it);
  return kSuccess;
}

int cuMemcpyHtoD_v2(uint64_t dst, const void* src, size_t bytes) {
  if (!is_allocation(dst, bytes)) return kInvalidValue;
  memcpy(reinterpret_cast<void*>(dst), src, bytes);
  return kSuccess;
}

int cuMemcpyDtoH_v2(void* dst, uint64_t src, size_t bytes) {
  if (!is_allocation(src, bytes)) return kInvalidValue;
  memcpy(dst, reinterpret_cast<const void*>(src), bytes);
  return kSuccess;
}

int cuLaunchKernel(void* function, unsigned gx, unsigned gy, unsigned gz, unsigned bx,
                   unsigned by, unsigned bz, unsigned shared, void* stream, void** params,
                   void** extra) {
  if (gy != 1 || gz != 1 || by != 1 || bz != 1 || bx > emu::kMaxThreads || params == nullptr ||
      extra != nullptr) {
    return kInvalidValue;
  }
  static_cast<Function*>(function)->run(gx, bx, params);
  return kSuccess;
}

}  // extern "C"
