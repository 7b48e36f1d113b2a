// Loads a riscv64 Linux ELF file (ET_EXEC, or ET_DYN at a chosen base: a
// PIE or static-pie program at kPieLoadBias, the dynamic loader at
// kInterpLoadBias) into guest memory the way Linux's binfmt_elf does:
// PT_LOAD segments mapped from the file with their protections, the rest of
// a segment's last file page and its bss zeroed. A program's PT_INTERP is
// reported (LoadedImage::interp), not followed: the caller loads the
// dynamic loader (LoadProgram in guest_runner.cc). Every malformation is an
// error with a message fit for "dbt: PROG: <msg>".
#ifndef DBT_SERVICES_EXECUTOR_RUNTIME_ELF_LOADER_H_
#define DBT_SERVICES_EXECUTOR_RUNTIME_ELF_LOADER_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "services/executor/runtime/guest_layout.h"
#include "services/executor/runtime/guest_memory.h"

namespace dbt::executor {

inline constexpr uint16_t kEmRiscv = 243;

struct LoadedImage {
  uint64_t entry = 0;      // e_entry + load_bias.
  uint64_t load_bias = 0;  // 0 for ET_EXEC.
  uint64_t phdr_addr = 0;  // Guest address of the program headers (AT_PHDR).
  uint16_t phent = 0;      // e_phentsize (AT_PHENT).
  uint16_t phnum = 0;      // e_phnum (AT_PHNUM).
  uint64_t start = 0;      // Lowest and highest (exclusive) loaded address.
  uint64_t end = 0;
  uint64_t brk_start = 0;             // Page-aligned end of the highest segment.
  bool exec_stack = false;            // PT_GNU_STACK asked for an executable stack.
  std::string interp;                 // PT_INTERP: the dynamic loader's path ("" if none).
  bool position_independent = false;  // ET_DYN
};

// What execve would find at `path` (read: the ELF header and program
// headers only).
enum class ElfKind {
  kNotElf,    // not an ELF file (a script, data, missing): the host decides
  kForeign,   // an ELF file for another machine (the host's own programs)
  kRiscv,     // a riscv64 program LoadElf accepts the headers of
  kBadRiscv,  // a riscv64 ELF file with malformed headers (ENOEXEC)
};
ElfKind ClassifyElf(const std::string& path);

// Loads `path` into `mem`; segments must end at or below `limit`. An ET_DYN
// file's lowest segment goes to `dyn_base` (raised to its alignment).
absl::StatusOr<LoadedImage> LoadElf(const std::string& path, GuestMemory& mem, uint64_t limit,
                                    uint64_t dyn_base = kPieLoadBias);

}  // namespace dbt::executor

#endif  // DBT_SERVICES_EXECUTOR_RUNTIME_ELF_LOADER_H_
