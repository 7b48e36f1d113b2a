#include "services/translator/ir/printer.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/jit_abi.h"

namespace dbt::ir {
namespace {

std::string ConstText(uint64_t v) {
  int64_t s = static_cast<int64_t>(v);
  if (s < 0 && s > -(int64_t{1} << 32)) return absl::StrFormat("$-0x%x", -s);
  return absl::StrFormat("$0x%x", v);
}

std::string ExitKindText(uint64_t kind) {
  switch (kind) {
    case kTbExitSlot0:
      return "slot0";
    case kTbExitSlot1:
      return "slot1";
    case kTbExitNoChain:
      return "no_chain";
    case kTbExitRequested:
      return "requested";
  }
  return absl::StrCat("bad_exit_", kind);
}

// The constant arguments of op, formatted per opcode.
void AppendConstArgs(const Op& op, std::vector<std::string>& parts) {
  auto label = [](uint64_t l) { return absl::StrCat("$L", l); };
  switch (op.opc) {
    case Opcode::kMovi:
      parts.push_back(ConstText(op.carg(0)));
      return;
    case Opcode::kSetcond:
    case Opcode::kMovcond:
      parts.push_back(std::string(CondName(op.cond())));
      return;
    case Opcode::kBrcond:
      parts.push_back(std::string(CondName(op.cond())));
      parts.push_back(label(op.carg(1)));
      return;
    case Opcode::kBr:
    case Opcode::kSetLabel:
      parts.push_back(label(op.carg(0)));
      return;
    case Opcode::kQemuLd:
    case Opcode::kQemuSt:
      parts.push_back(std::string(MemOpName(op.carg(0))));
      return;
    case Opcode::kLd:
    case Opcode::kSt:
      parts.push_back(absl::StrFormat("[env+0x%x]", op.carg(0)));
      parts.push_back(std::string(MemOpName(op.carg(1))));
      return;
    case Opcode::kCall:
      parts.push_back(absl::StrCat("helper", op.carg(0)));
      parts.push_back(absl::StrFormat("flags=0x%x", op.carg(1)));
      return;
    case Opcode::kExitTb:
      parts.push_back(ExitKindText(op.carg(0)));
      return;
    case Opcode::kInsnStart:
    case Opcode::kTbStart:
    case Opcode::kMb:
      parts.push_back(absl::StrFormat("0x%x", op.carg(0)));
      return;
    default:
      for (int i = 0; i < op.n_const; ++i) parts.push_back(absl::StrCat(op.carg(i)));
      return;
  }
}

}  // namespace

std::string TempName(const Block& block, Temp t) {
  if (t.index >= block.num_temps()) return absl::StrCat("bad_temp", t.index);
  const TempInfo& info = block.temp(t);
  switch (info.kind) {
    case TempKind::kGlobal:
    case TempKind::kFixed:
      return info.name;
    case TempKind::kConst:
      return ConstText(info.value);
    case TempKind::kNormal:
      return absl::StrCat("tmp", t.index);
    case TempKind::kEbb:
      return absl::StrCat("ebb", t.index);
    case TempKind::kLocal:
      return absl::StrCat("loc", t.index);
  }
  return "?";
}

std::string PrintOp(const Block& block, const Op& op) {
  std::vector<std::string> parts;
  for (int i = 0; i < op.n_temps(); ++i) {
    parts.push_back(TempName(block, Temp{static_cast<uint32_t>(op.args[i])}));
  }
  AppendConstArgs(op, parts);
  std::string line(OpName(op.opc));
  if (!parts.empty()) absl::StrAppend(&line, " ", absl::StrJoin(parts, ", "));
  if (op.life.dead != 0) {
    absl::StrAppend(&line, "  dead:");
    for (int i = 0; i < op.n_temps(); ++i) {
      if (op.life.IsDead(i)) absl::StrAppend(&line, " ", i);
    }
  }
  if (op.life.sync != 0) {
    absl::StrAppend(&line, "  sync:");
    for (int i = 0; i < op.n_out; ++i) {
      if (op.life.IsSync(i)) absl::StrAppend(&line, " ", i);
    }
  }
  return line;
}

std::string PrintBlock(const Block& block) {
  std::string text;
  for (const Op& op : block.ops()) absl::StrAppend(&text, PrintOp(block, op), "\n");
  return text;
}

}  // namespace dbt::ir
