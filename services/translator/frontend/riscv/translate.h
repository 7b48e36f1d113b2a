// The RISC-V RV64GC frontend: guest code at a pc -> one translation block
// of IR (services/translator/ir).
//
// TB shape (QEMU's rules, in our words):
//   - Instructions are decoded one by one and each is emitted by the handler
//     of its family (handlers.h), found in a table indexed by Opcode.
//   - A TB ends after an instruction that leaves straight-line code: a
//     branch, jal, jalr, ecall, ebreak, fence.i, or an illegal instruction.
//   - Pages: every instruction of a TB starts on the TB's first guest page;
//     only the last one may extend into the next page (a 4-byte instruction
//     at page end - 2). So a TB covers at most two pages, the second only
//     through its last instruction, and the TB ends before an instruction
//     that would start on another page.
//   - At most options.max_insns instructions (512; 1 for one-insn-per-tb).
//   - An instruction whose bytes cannot be fetched ends the TB before it (the
//     TB exits to its pc, where the executor will meet the fault itself). If
//     it is the first instruction, there is no TB: the fault is the caller's.
// Exits: conditional branches use goto_tb slots 0 (not taken) and 1
// (taken); jal and the fall-through ends (page, count, fetch) slot 0; jalr
// lookup_and_goto_ptr; ecall/ebreak/illegal/fence.i write
// GuestEnv::pending_exception (a riscv::InterpExit) and cpu.pc as the
// interpreter leaves them, then exit_tb no_chain. The frontend emits
// goto_tb for every direct exit, also across pages: whether to link a slot
// is the executor's decision (it unlinks jumps into invalidated pages).
#ifndef DBT_SERVICES_TRANSLATOR_FRONTEND_RISCV_TRANSLATE_H_
#define DBT_SERVICES_TRANSLATOR_FRONTEND_RISCV_TRANSLATE_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "common/riscv/decoder.h"
#include "services/translator/frontend/riscv/guest_code_source.h"
#include "services/translator/ir/block.h"

namespace dbt::frontend::riscv {

inline constexpr uint64_t kGuestPageSize = 4096;
inline constexpr int kDefaultMaxInsns = 512;

struct TranslateOptions {
  int max_insns = kDefaultMaxInsns;  // >= 1; 1 is --one-insn-per-tb.
};

// One guest instruction of a TB, as decoded (for -d in_asm).
struct GuestInsn {
  uint64_t pc;
  dbt::riscv::DecodedInsn insn;
};

// A guest byte range the TB was made from; what the caller hashes.
struct GuestRange {
  uint64_t start;
  uint64_t size;
};

struct TranslatedBlock {
  ir::Block block;
  uint64_t pc = 0;    // guest pc of the first instruction
  uint64_t size = 0;  // guest bytes [pc, pc + size) covered
  std::vector<GuestInsn> insns;

  // [pc, pc + size) split at the page boundary: one range, or two when the
  // last instruction extends into the next page.
  std::vector<GuestRange> Ranges() const;
};

struct TranslateResult {
  // The TB; empty when the first instruction could not be fetched.
  std::optional<TranslatedBlock> tb;
  // When tb is empty: the guest address whose fetch failed (pc, or pc + 2
  // for a 4-byte instruction whose second parcel is on an unreadable page).
  uint64_t fault_addr = 0;
};

TranslateResult TranslateBlock(const GuestCodeSource& code, uint64_t pc,
                               const TranslateOptions& options = {});

}  // namespace dbt::frontend::riscv

#endif  // DBT_SERVICES_TRANSLATOR_FRONTEND_RISCV_TRANSLATE_H_
