#include "services/translator/tb/translate.h"

#include <algorithm>

#include "services/translator/backend/x86_64/codegen.h"
#include "services/translator/backend/x86_64/disasm.h"
#include "services/translator/ir/printer.h"

namespace dbt::tb {

absl::StatusOr<TranslatedTb> TranslateBlock(ir::Block& block, codegen::CodeGenBuffer& buffer,
                                            const TranslateOptions& options) {
  TranslatedTb tb;
  tb.guest_pc = block.guest_pc();
  tb.ops_before = static_cast<uint32_t>(block.ops().size());
  if (options.dump_op) *options.dump_op = ir::PrintBlock(block);
  if (absl::Status s = opt::RunPipeline(block, {options.optimize, options.verify}); !s.ok()) {
    return s;
  }
  tb.ops_after = static_cast<uint32_t>(block.ops().size());
  if (options.dump_op_opt) *options.dump_op_opt = ir::PrintBlock(block);

  // The code is generated into this thread's private scratch, then copied
  // into the buffer: what the translator keeps (options.code_copy, the
  // cache's entries) is what it emitted, never bytes read back from a
  // buffer that an executor maps writable.
  // 256 KiB holds any TB seen so far; a larger one gets a region's worth
  // (never zero-filling 16 MiB per session thread for nothing).
  thread_local std::vector<uint8_t> scratch;
  constexpr size_t kUsualScratch = 256 << 10;
  if (scratch.size() < std::min(buffer.region_size(), kUsualScratch)) {
    scratch.resize(std::min(buffer.region_size(), kUsualScratch));
  }
  absl::StatusOr<backend::x86_64::HostCode> code =
      backend::x86_64::GenerateHostCode(block, scratch.data(), scratch.size());
  if (code.status().code() == absl::StatusCode::kResourceExhausted &&
      scratch.size() < buffer.region_size()) {
    scratch.resize(buffer.region_size());
    code = backend::x86_64::GenerateHostCode(block, scratch.data(), scratch.size());
  }
  if (code.status().code() == absl::StatusCode::kResourceExhausted) {
    return absl::OutOfRangeError("TB code is larger than a code_gen_buffer region");
  }
  if (!code.ok()) return code.status();
  absl::StatusOr<size_t> offset = buffer.Place(scratch.data(), code->size);
  if (!offset.ok()) return offset.status();
  tb.code_offset = *offset;
  tb.code_size = code->size;
  tb.slots = code->slots;
  tb.pc_map = std::move(code->pc_map);
  tb.spill_slots = static_cast<uint32_t>(code->spill_slots);
  if (options.code_copy != nullptr) {
    options.code_copy->assign(scratch.data(), scratch.data() + code->size);
  }
  if (options.dump_out_asm) {
    *options.dump_out_asm =
        // The writer's view (the translator service maps no RX view); lines
        // show offsets in the buffer, as perf does for samples in it.
        backend::x86_64::Disassemble(buffer.rw_at(tb.code_offset), tb.code_size, tb.code_offset);
  }
  return tb;
}

std::optional<uint64_t> GuestPcAt(const TranslatedTb& tb, size_t host_offset) {
  if (host_offset >= tb.code_size) return std::nullopt;
  auto it =
      std::upper_bound(tb.pc_map.begin(), tb.pc_map.end(), host_offset,
                       [](size_t offset, const PcMapEntry& e) { return offset < e.host_offset; });
  if (it == tb.pc_map.begin()) return std::nullopt;
  return std::prev(it)->guest_pc;
}

}  // namespace dbt::tb
