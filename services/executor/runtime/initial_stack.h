// The main thread's stack as Linux's exec builds it for riscv64 (fs/exec.c
// and create_elf_tables in fs/binfmt_elf.c), top down:
//
//   stack_top - 8          8 zero bytes
//                          AT_EXECFN string, envp strings, argv strings
//                          (argv[0] lowest; each NUL-terminated)
//                          16-byte alignment
//                          16 AT_RANDOM bytes
//                          padding to keep sp 16-byte aligned
//   sp ->                  argc, argv[0..argc-1], NULL, envp[..], NULL,
//                          auxv (type, value) pairs ending with AT_NULL
//
// The auxv holds the entries qemu-riscv64 gives, in its order.
#ifndef DBT_SERVICES_EXECUTOR_RUNTIME_INITIAL_STACK_H_
#define DBT_SERVICES_EXECUTOR_RUNTIME_INITIAL_STACK_H_

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "services/executor/runtime/elf_loader.h"
#include "services/executor/runtime/guest_memory.h"

namespace dbt::executor {

// AT_HWCAP for RV64GC: one bit per single-letter extension, 'A' = bit 0.
inline constexpr uint64_t kRiscvHwcap = (1u << ('I' - 'A')) | (1u << ('M' - 'A')) |
                                        (1u << ('A' - 'A')) | (1u << ('F' - 'A')) |
                                        (1u << ('D' - 'A')) | (1u << ('C' - 'A'));

struct StackSpec {
  std::vector<std::string> argv;  // argv[0] included.
  std::vector<std::string> envp;  // "NAME=value".
  std::string execfn;             // AT_EXECFN: the program path as given.
  uint64_t stack_top = kStackTop;
  uint64_t stack_size = kDefaultStackSize;
  std::array<uint8_t, 16> random = {};  // AT_RANDOM bytes.
  uint64_t interp_base = 0;             // AT_BASE: the dynamic loader's (0: none).
};

struct InitialStack {
  uint64_t sp = 0;         // Initial guest sp (points at argc).
  uint64_t stack_low = 0;  // The mapped stack: [stack_low, stack_top).
  uint64_t argv = 0;       // Guest address of argv[0] pointer.
  uint64_t envp = 0;
  uint64_t auxv = 0;
  uint64_t random = 0;                                      // AT_RANDOM.
  uint64_t execfn = 0;                                      // AT_EXECFN.
  std::vector<std::pair<uint64_t, uint64_t>> auxv_entries;  // Without AT_NULL.
};

// Maps the stack (RW, plus EXEC if the image asks) and fills it.
absl::StatusOr<InitialStack> BuildInitialStack(GuestMemory& mem, const LoadedImage& image,
                                               const StackSpec& spec);

// The stack size to use: 8 MiB, or RLIMIT_STACK's soft limit when larger and
// finite (as qemu does), capped at kMaxStackSize.
uint64_t ChooseStackSize();

}  // namespace dbt::executor

#endif  // DBT_SERVICES_EXECUTOR_RUNTIME_INITIAL_STACK_H_
