#include "services/translator/frontend/riscv/translate.h"

#include <algorithm>
#include <utility>

#include "services/translator/frontend/riscv/context.h"
#include "services/translator/frontend/riscv/handlers.h"

namespace dbt::frontend::riscv {
namespace {

constexpr uint64_t PageOf(uint64_t addr) { return addr & ~(kGuestPageSize - 1); }

// Fetches the instruction at pc parcel by parcel. On failure *fault_addr is
// the parcel that could not be read.
bool FetchInsn(const GuestCodeSource& code, uint64_t pc, uint32_t* bits, uint64_t* fault_addr) {
  uint16_t low;
  if (!code.Fetch(pc, &low, 2)) {
    *fault_addr = pc;
    return false;
  }
  if (rv::InsnLength(low) == 2) {
    *bits = low;
    return true;
  }
  uint16_t high;
  if (!code.Fetch(pc + 2, &high, 2)) {
    *fault_addr = pc + 2;
    return false;
  }
  *bits = low | uint32_t{high} << 16;
  return true;
}

}  // namespace

std::vector<GuestRange> TranslatedBlock::Ranges() const {
  const uint64_t second_page = PageOf(pc) + kGuestPageSize;
  if (pc + size <= second_page) return {{pc, size}};
  return {{pc, second_page - pc}, {second_page, pc + size - second_page}};
}

TranslateResult TranslateBlock(const GuestCodeSource& code, uint64_t pc,
                               const TranslateOptions& options) {
  TranslateResult result;
  TranslatedBlock tb;
  tb.block = ir::Block(pc);
  tb.pc = pc;
  const size_t max_insns = static_cast<size_t>(std::max(1, options.max_insns));
  const HandlerTable& handlers = Handlers();
  uint64_t next = pc;
  {
    TranslationContext ctx(tb.block);
    ctx.b().TbStart();
    for (;;) {
      uint32_t bits;
      uint64_t fault_addr;
      if (!FetchInsn(code, next, &bits, &fault_addr)) {
        if (tb.insns.empty()) {
          result.fault_addr = fault_addr;
          return result;
        }
        // Stop before it: running from `next`, the executor meets the fault
        // (or finds the page mapped by then).
        ctx.ExitGotoTb(0, next);
        break;
      }
      const rv::DecodedInsn insn = rv::Decode(bits);
      tb.insns.push_back({next, insn});
      ctx.BeginInsn(next, insn);
      const HandlerEntry& entry = handlers[insn.op];
      entry.handler(ctx, insn, entry.param);
      next += insn.length;
      if (ctx.tb_ended()) break;
      // Page rule: the next instruction must start on the TB's first page.
      if (tb.insns.size() >= max_insns || PageOf(next) != PageOf(pc)) {
        ctx.ExitGotoTb(0, next);
        break;
      }
    }
    ctx.EmitOutOfLineExits();
  }
  tb.size = next - pc;
  result.tb = std::move(tb);
  return result;
}

}  // namespace dbt::frontend::riscv
