#include "services/translator/translate_tb.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/translator/frontend/riscv/in_asm.h"

namespace dbt::translator {

absl::StatusOr<TbTranslation> TranslateTb(const frontend::riscv::GuestCodeSource& code, uint64_t pc,
                                          uint32_t flags, codegen::CodeGenBuffer& buffer,
                                          const TranslateDebug& debug,
                                          std::vector<uint8_t>* code_copy) {
  // 1. Frontend: guest instructions -> IR.
  frontend::riscv::TranslateOptions fe_options;
  fe_options.max_insns = (flags & kTbFlagOneInsn) ? 1 : frontend::riscv::kDefaultMaxInsns;
  frontend::riscv::TranslateResult fe = frontend::riscv::TranslateBlock(code, pc, fe_options);
  if (!fe.tb.has_value()) {
    return absl::NotFoundError(absl::StrFormat("instruction fetch fault at 0x%x", fe.fault_addr));
  }
  frontend::riscv::TranslatedBlock& block = *fe.tb;

  TbTranslation result;
  result.guest_pc = block.pc;
  result.guest_size = block.size;
  result.guest_insns = static_cast<uint32_t>(block.insns.size());
  result.flags = flags;
  result.ranges = block.Ranges();

  // 2. The key's content hash, over exactly the bytes the frontend read.
  ContentHasher hasher;
  std::vector<uint8_t> bytes;
  for (const frontend::riscv::GuestRange& range : result.ranges) {
    bytes.resize(range.size);
    if (!code.Fetch(range.start, bytes.data(), range.size)) {
      return absl::InternalError(
          absl::StrFormat("guest bytes at 0x%x changed under translation", range.start));
    }
    hasher.Update(bytes.data(), bytes.size());
  }
  result.hash = hasher.Finish();

  // 3. Passes and host code.
  tb::TranslateOptions tb_options;
  tb_options.code_copy = code_copy;
  std::string op_dump, op_opt_dump, out_asm_dump;
  if (debug.log != nullptr) {
    if (debug.in_asm) absl::StrAppend(debug.log, frontend::riscv::FormatInAsm(block));
    if (debug.op) tb_options.dump_op = &op_dump;
    if (debug.op_opt) tb_options.dump_op_opt = &op_opt_dump;
    if (debug.out_asm) tb_options.dump_out_asm = &out_asm_dump;
  }
  absl::StatusOr<tb::TranslatedTb> host = tb::TranslateBlock(block.block, buffer, tb_options);
  if (host.status().code() == absl::StatusCode::kOutOfRange && block.insns.size() > 1) {
    // Too much host code or too many spills for one TB: halve the guest
    // instructions until it fits.
    int max_insns = static_cast<int>(block.insns.size()) / 2;
    while (true) {
      fe_options.max_insns = max_insns;
      fe = frontend::riscv::TranslateBlock(code, pc, fe_options);
      if (!fe.tb.has_value()) return absl::InternalError("guest code vanished under translation");
      op_dump.clear();
      op_opt_dump.clear();
      out_asm_dump.clear();
      host = tb::TranslateBlock(fe.tb->block, buffer, tb_options);
      if (host.status().code() != absl::StatusCode::kOutOfRange || max_insns == 1) break;
      max_insns /= 2;
    }
    block = std::move(*fe.tb);
    result.guest_size = block.size;
    result.guest_insns = static_cast<uint32_t>(block.insns.size());
    result.ranges = block.Ranges();
    ContentHasher rehash;
    for (const frontend::riscv::GuestRange& range : result.ranges) {
      bytes.resize(range.size);
      if (!code.Fetch(range.start, bytes.data(), range.size)) {
        return absl::InternalError("guest code vanished under translation");
      }
      rehash.Update(bytes.data(), bytes.size());
    }
    result.hash = rehash.Finish();
  }
  if (!host.ok()) return host.status();
  result.code = *std::move(host);

  if (debug.log != nullptr) {
    if (debug.op) absl::StrAppend(debug.log, "OP:\n", op_dump, "\n");
    if (debug.op_opt)
      absl::StrAppend(debug.log, "OP after optimization and liveness analysis:\n", op_opt_dump,
                      "\n");
    if (debug.out_asm) {
      absl::StrAppend(debug.log, "OUT: [size=", result.code.code_size, "]\n", out_asm_dump, "\n");
    }
  }
  return result;
}

}  // namespace dbt::translator
