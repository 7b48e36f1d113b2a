// The host FPU probe of fpu_host.h.
#include "common/riscv/fpu_host.h"

#include <cpuid.h>
#include <immintrin.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace dbt::riscv::fpu {
namespace {

// MXCSR control bits: rounding control (13-14), exception masks (7-12), FTZ
// (15), DAZ (6). The C default is RNE, every exception masked, FTZ and DAZ
// clear; the status bits (0-5) are sticky flags the fast path may set and
// nobody reads.
constexpr uint32_t kMxcsrControlMask = 0xffc0;
constexpr uint32_t kMxcsrDefaultControl = 0x1f80;

// FMA3 is usable if CPUID says the CPU has it and that the OS saves the AVX
// state (OSXSAVE, then XCR0's SSE and AVX bits), which every VEX-encoded
// instruction needs.
bool HasFma3() {
  unsigned eax, ebx, ecx, edx;
  if (__get_cpuid(1, &eax, &ebx, &ecx, &edx) == 0) return false;
  constexpr unsigned kNeeded = bit_FMA | bit_OSXSAVE | bit_AVX;
  if ((ecx & kNeeded) != kNeeded) return false;
  uint32_t xcr0_low, xcr0_high;
  __asm__("xgetbv" : "=a"(xcr0_low), "=d"(xcr0_high) : "c"(0));
  return (xcr0_low & 0x6) == 0x6;
}

}  // namespace

HostFpu ProbeHostFpu() {
  const char* env = std::getenv("DBT_FPU_HOST");
  if (env != nullptr && std::strcmp(env, "0") == 0) return HostFpu::kOff;
  if ((_mm_getcsr() & kMxcsrControlMask) != kMxcsrDefaultControl) return HostFpu::kOff;
  return HasFma3() ? HostFpu::kSseFma : HostFpu::kSse;
}

HostFpu host_fpu = ProbeHostFpu();

}  // namespace dbt::riscv::fpu
