// Where things live in a guest's address space.
//
// The guest address space is one host reservation of kGuestSpaceSize bytes;
// guest address A is host address guest_base + A. 2^38 bytes is exactly the
// user half of RISC-V Sv39 (what Linux gives a riscv64 process on Sv39
// hardware), so every address a real riscv64 Linux program can see fits.
//
//   0x0000000000 .. 0x000000ffff  never mapped (Linux's mmap_min_addr)
//   0x0000010000 ..               ET_EXEC images (linked at 0x10000), then brk
//   kPieLoadBias                  ET_DYN programs (PIE, static-pie), then brk
//   kInterpLoadBias               the dynamic loader (PT_INTERP) of a program
//   ..  mmap_top                  mmap without a usable hint, allocated top-down
//   stack_top - stack_size .. stack_top   the main thread's stack
//   kGuestSpaceSize - 4 KiB       one unmapped guard page at the very top
#ifndef DBT_SERVICES_EXECUTOR_RUNTIME_GUEST_LAYOUT_H_
#define DBT_SERVICES_EXECUTOR_RUNTIME_GUEST_LAYOUT_H_

#include <cstdint>

namespace dbt::executor {

inline constexpr uint64_t kGuestPageSize = 4096;
inline constexpr uint64_t kGuestSpaceSize = uint64_t{1} << 38;

// Lowest address mmap may hand out (Linux's default vm.mmap_min_addr).
inline constexpr uint64_t kMmapMinAddr = 0x10000;

// Load bias of a position-independent executable: Linux's ELF_ET_DYN_BASE for
// riscv64 on Sv39 (2/3 of the user space), page-aligned and without the
// randomization Linux adds. Raised to the largest PT_LOAD p_align if needed.
inline constexpr uint64_t kPieLoadBias = 0x2aaaaaa000;

// Load bias of the dynamic loader (ld-linux-riscv64-lp64d.so.1): fixed, as
// every address dbt chooses is (the cache relies on reproducible
// addresses). 21 GiB above kPieLoadBias (room for a PIE and its brk) and
// below the top-down mmap area, which skips what is mapped here. Linux puts
// it just below mmap_base, randomized.
inline constexpr uint64_t kInterpLoadBias = 0x3000000000;

// Top of the main thread's stack (one guard page above it).
inline constexpr uint64_t kStackTop = kGuestSpaceSize - kGuestPageSize;
inline constexpr uint64_t kDefaultStackSize = uint64_t{8} << 20;
// Largest stack honoured from RLIMIT_STACK.
inline constexpr uint64_t kMaxStackSize = uint64_t{4} << 30;
// Linux keeps at least this much room between the stack and mmap_base.
inline constexpr uint64_t kMinStackGap = uint64_t{128} << 20;

constexpr uint64_t PageDown(uint64_t a) { return a & ~(kGuestPageSize - 1); }
constexpr uint64_t PageUp(uint64_t a) { return (a + kGuestPageSize - 1) & ~(kGuestPageSize - 1); }
constexpr bool PageAligned(uint64_t a) { return (a & (kGuestPageSize - 1)) == 0; }

}  // namespace dbt::executor

#endif  // DBT_SERVICES_EXECUTOR_RUNTIME_GUEST_LAYOUT_H_
