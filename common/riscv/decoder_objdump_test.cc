// The decoder and disassembler against GNU objdump (binutils 2.40, -M
// no-aliases) as the oracle, over two dumps made at build time:
//   insn_forms.dump   every RV64GC instruction form, written by hand;
//   random_insns.dump every 16-bit parcel and 200k pseudo-random 32-bit words.
// For each word: objdump's text and Disassemble()'s must agree, and a word is
// illegal for us exactly when objdump cannot decode it, except for the
// documented cases in AllowedDisagreement. For compressed instructions the
// expansion is checked too: objdump's c.* operands are rewritten into the
// 32-bit instruction by the C spec's expansion rules (kExpansions below) and
// compared with the 32-bit disassembly of what we decoded.
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/riscv/decoder.h"
#include "common/riscv/disasm.h"
#include "common/riscv/insn_info.h"
#include "common/riscv/insn_rvc.h"
#include "gtest/gtest.h"

namespace dbt::riscv {
namespace {

struct DumpLine {
  uint64_t addr;
  uint32_t word;
  int length;
  std::string mnemonic;
  std::string operands;
  std::string text;  // The whole line, for messages.
};

std::string Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

// objdump prints a branch target as "1c <label+0x4>"; we print "0x1c".
std::string NormalizeTargets(std::string ops) {
  for (size_t lt; (lt = ops.find(" <")) != std::string::npos;) {
    const size_t gt = ops.find('>', lt);
    size_t start = lt;
    while (start > 0 && std::isxdigit(static_cast<unsigned char>(ops[start - 1]))) --start;
    ops = ops.substr(0, start) + "0x" + ops.substr(start, lt - start) + ops.substr(gt + 1);
  }
  return ops;
}

std::vector<DumpLine> ReadDump(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::vector<DumpLine> lines;
  std::string line;
  while (std::getline(in, line)) {
    // "   4:\t0505                \tc.addi\ta0,1"
    const size_t colon = line.find(":\t");
    if (colon == std::string::npos) continue;
    char* end = nullptr;
    const uint64_t addr = std::strtoull(line.c_str(), &end, 16);
    if (end != line.c_str() + colon) continue;
    std::vector<std::string> fields;
    size_t pos = colon + 2;
    while (pos <= line.size()) {
      const size_t tab = line.find('\t', pos);
      fields.push_back(line.substr(pos, tab == std::string::npos ? std::string::npos : tab - pos));
      if (tab == std::string::npos) break;
      pos = tab + 1;
    }
    if (fields.size() < 2) continue;
    DumpLine d;
    d.addr = addr;
    const std::string hex = Trim(fields[0]);
    d.word = static_cast<uint32_t>(std::strtoul(hex.c_str(), nullptr, 16));
    d.length = hex.size() == 4 ? 2 : 4;
    d.mnemonic = Trim(fields[1]);
    std::string ops = fields.size() > 2 ? fields[2] : "";
    if (const size_t hash = ops.find(" #"); hash != std::string::npos) ops.resize(hash);
    d.operands = NormalizeTargets(Trim(ops));
    d.text = line;
    lines.push_back(d);
  }
  return lines;
}

bool ObjdumpIllegal(const DumpLine& l) {
  return l.mnemonic == ".2byte" || l.mnemonic == ".4byte" || l.mnemonic == ".word" ||
         l.mnemonic == ".short" || l.mnemonic == "unknown" || l.mnemonic == "c.unimp";
}

// Instructions objdump decodes under -march=rv64gc that are not RV64GC user
// level: the privileged architecture's instructions.
const std::set<std::string, std::less<>> kPrivileged = {
    "mret",
    "sret",
    "uret",
    "dret",
    "wfi",
    "sfence.vma",
    "hfence.vvma",
    "hfence.gvma",
    "sinval.vma",
    "sfence.w.inval",
    "sfence.inval.ir",
    "hinval.vvma",
    "hinval.gvma",
};

// Where objdump and the spec part ways; every other disagreement fails.
const char* AllowedDisagreement(const DumpLine& l, const DecodedInsn& d) {
  const bool ours_illegal = d.op == Opcode::kIllegal;
  if (!ObjdumpIllegal(l) && ours_illegal) {
    if (kPrivileged.count(l.mnemonic)) return "privileged instruction, not in user-mode RV64GC";
    // The C spec: "C.ADDI16SP ... the code point with nzimm=0 is reserved".
    if (l.mnemonic == "c.addi16sp" && l.operands == "sp,0") return "c.addi16sp nzimm=0";
  }
  if (ObjdumpIllegal(l) && !ours_illegal) {
    // The base ISA: implementations "shall ignore" fence's rs1/rd and treat
    // reserved fm/pred/succ as a plain fence; fence.i ignores imm, rs1, rd.
    // objdump wants them zero.
    if (d.op == Opcode::kFence || d.op == Opcode::kFenceI) return "fence reserved fields";
    // fcvt.d.s, fcvt.d.w and fcvt.d.wu are exact, but the spec gives them an
    // rm field like every conversion (Spike and QEMU decode any rm, and
    // raise illegal for 5 and 6 at execution); binutils 2.40 insists on 000.
    if ((d.op == Opcode::kFcvtDS || d.op == Opcode::kFcvtDW || d.op == Opcode::kFcvtDWu) &&
        d.rm != 0) {
      return "fcvt.d.{s,w,wu} with rm != 000";
    }
  }
  return nullptr;
}

// The C spec's expansion of each compressed instruction, in objdump's
// operand syntax: %N is objdump's N-th c.* operand.
const std::map<std::string, std::string, std::less<>> kExpansions = {
    {"c.addi4spn", "addi %0,%1,%2"},
    {"c.fld", "fld %0,%1"},
    {"c.lw", "lw %0,%1"},
    {"c.ld", "ld %0,%1"},
    {"c.fsd", "fsd %0,%1"},
    {"c.sw", "sw %0,%1"},
    {"c.sd", "sd %0,%1"},
    {"c.addi", "addi %0,%0,%1"},
    {"c.addiw", "addiw %0,%0,%1"},
    {"c.li", "addi %0,zero,%1"},
    {"c.addi16sp", "addi %0,%0,%1"},
    {"c.lui", "lui %0,%1"},
    {"c.srli", "srli %0,%0,%1"},
    {"c.srai", "srai %0,%0,%1"},
    {"c.srli64", "srli %0,%0,0x0"},
    {"c.srai64", "srai %0,%0,0x0"},
    {"c.andi", "andi %0,%0,%1"},
    {"c.sub", "sub %0,%0,%1"},
    {"c.xor", "xor %0,%0,%1"},
    {"c.or", "or %0,%0,%1"},
    {"c.and", "and %0,%0,%1"},
    {"c.subw", "subw %0,%0,%1"},
    {"c.addw", "addw %0,%0,%1"},
    {"c.j", "jal zero,%0"},
    {"c.beqz", "beq %0,zero,%1"},
    {"c.bnez", "bne %0,zero,%1"},
    {"c.slli", "slli %0,%0,%1"},
    {"c.slli64", "slli %0,%0,0x0"},
    {"c.fldsp", "fld %0,%1"},
    {"c.lwsp", "lw %0,%1"},
    {"c.ldsp", "ld %0,%1"},
    {"c.jr", "jalr zero,0(%0)"},
    {"c.mv", "add %0,zero,%1"},
    {"c.ebreak", "ebreak"},
    {"c.jalr", "jalr ra,0(%0)"},
    {"c.add", "add %0,%0,%1"},
    {"c.fsdsp", "fsd %0,%1"},
    {"c.swsp", "sw %0,%1"},
    {"c.sdsp", "sd %0,%1"},
};

std::vector<std::string> SplitOperands(const std::string& ops) {
  std::vector<std::string> out;
  if (ops.empty()) return out;
  size_t pos = 0;
  for (size_t comma; (comma = ops.find(',', pos)) != std::string::npos; pos = comma + 1) {
    out.push_back(ops.substr(pos, comma - pos));
  }
  out.push_back(ops.substr(pos));
  return out;
}

// "mnemonic operands" with single spaces.
std::string Normalized(const std::string& text) {
  const size_t sp = text.find(' ');
  if (sp == std::string::npos) return text;
  return text.substr(0, sp) + " " + Trim(text.substr(sp));
}

bool IsHex(const std::string& s) { return s.size() > 2 && s[0] == '0' && s[1] == 'x'; }

// objdump knows many privileged CSR names we print as numbers: accept its
// name when our number is the word's csr field.
bool SameOperands(const std::string& ours, const std::string& theirs, const DecodedInsn& d) {
  if (ours == theirs) return true;
  if (!(OpcodeFlags(d.op) & kInsnCsr)) return false;
  std::vector<std::string> a = SplitOperands(ours), b = SplitOperands(theirs);
  if (a.size() != 3 || b.size() != 3 || a[0] != b[0] || a[2] != b[2]) return false;
  return IsHex(a[1]) && !IsHex(b[1]) && std::strtoul(a[1].c_str(), nullptr, 16) == (d.raw >> 20);
}

struct Tally {
  int compared = 0;
  int both_illegal = 0;
  int expansions = 0;
  std::map<std::string, int> allowed;
  std::set<Opcode> opcodes_seen;
  std::set<const internal::CompressedForm*> forms_seen;
  int failures = 0;
};

void Fail(Tally& t, const std::string& msg) {
  if (++t.failures <= 60) ADD_FAILURE() << msg;
}

void CheckLine(const DumpLine& l, Tally& t) {
  const DecodedInsn d = Decode(l.word);
  ASSERT_EQ(d.length, l.length) << l.text;
  if (const char* why = AllowedDisagreement(l, d)) {
    ++t.allowed[why];
    return;
  }
  const bool ours_illegal = d.op == Opcode::kIllegal;
  if (ObjdumpIllegal(l) != ours_illegal) {
    Fail(t, "legality differs: objdump `" + l.mnemonic + " " + l.operands + "`, ours `" +
                Disassemble(d, l.addr) + "` for " + l.text);
    return;
  }
  if (ours_illegal) {
    ++t.both_illegal;
    return;
  }
  ++t.compared;
  t.opcodes_seen.insert(d.op);
  std::string mnemonic = l.mnemonic, operands = l.operands;
  if (mnemonic == "unimp") {  // objdump's name for csrrw x0, cycle, x0 even with no-aliases
    mnemonic = "csrrw";
    operands = "zero,cycle,zero";
  }
  const std::string ours = Normalized(Disassemble(d, l.addr));
  const size_t sp = ours.find(' ');
  const std::string our_mnemonic = ours.substr(0, sp);
  const std::string our_operands = sp == std::string::npos ? "" : ours.substr(sp + 1);
  if (our_mnemonic != mnemonic || !SameOperands(our_operands, operands, d)) {
    Fail(t, "objdump `" + mnemonic + " " + operands + "` but ours `" + ours + "` for " + l.text);
    return;
  }
  if (d.length == 2) {
    t.forms_seen.insert(internal::FindCompressedForm(static_cast<uint16_t>(l.word)));
    const auto rule = kExpansions.find(mnemonic);
    if (rule == kExpansions.end()) {
      Fail(t, "no expansion rule for " + mnemonic);
      return;
    }
    const std::vector<std::string> args = SplitOperands(operands);
    std::string expected;
    const std::string& tmpl = rule->second;
    for (size_t i = 0; i < tmpl.size(); ++i) {
      if (tmpl[i] == '%') {
        expected += args.at(tmpl[++i] - '0');
      } else {
        expected += tmpl[i];
      }
    }
    DecodedInsn as32 = d;
    as32.length = 4;
    const std::string expanded = Normalized(Disassemble(as32, l.addr));
    if (expanded != expected) {
      Fail(t, "expansion of `" + mnemonic + " " + operands + "` should be `" + expected +
                  "` but is `" + expanded + "`");
    }
    ++t.expansions;
  }
}

Tally CheckDump(const std::string& path) {
  Tally t;
  for (const DumpLine& l : ReadDump(path)) CheckLine(l, t);
  EXPECT_EQ(t.failures, 0) << t.failures << " mismatches (first 60 shown)";
  return t;
}

TEST(DecoderObjdumpTest, EveryInstructionForm) {
  const Tally t = CheckDump("common/riscv/insn_forms.dump");
  EXPECT_GT(t.compared, 250);
  EXPECT_EQ(t.both_illegal, 0);
  EXPECT_TRUE(t.allowed.empty());
  // The hand-written listing reaches every row of both tables.
  for (size_t op = 1; op < kNumOpcodes; ++op) {
    EXPECT_TRUE(t.opcodes_seen.count(static_cast<Opcode>(op)))
        << OpcodeName(static_cast<Opcode>(op)) << " missing from insn_forms.s";
  }
  for (const internal::CompressedForm& form : internal::CompressedForms()) {
    if (form.target == Opcode::kIllegal) continue;
    if (form.mnemonic == "c.srli64" || form.mnemonic == "c.srai64" || form.mnemonic == "c.slli64")
      continue;  // HINTs gas will not assemble; the exhaustive dump covers them.
    EXPECT_TRUE(t.forms_seen.count(&form)) << form.mnemonic << " missing from insn_forms.s";
  }
}

TEST(DecoderObjdumpTest, AllParcelsAndRandomWords) {
  const Tally t = CheckDump("common/riscv/random_insns.dump");
  std::string summary;
  for (const auto& [why, n] : t.allowed) summary += "  " + why + ": " + std::to_string(n) + "\n";
  std::printf("compared %d valid, %d both illegal, %d expansions; allowed disagreements:\n%s",
              t.compared, t.both_illegal, t.expansions, summary.c_str());
  EXPECT_GT(t.compared, 50000);
  EXPECT_GT(t.both_illegal, 50000);
  // Every 16-bit form shows up in the exhaustive parcel sweep.
  for (const internal::CompressedForm& form : internal::CompressedForms()) {
    if (form.target == Opcode::kIllegal) continue;
    EXPECT_TRUE(t.forms_seen.count(&form)) << form.mnemonic;
  }
}

}  // namespace
}  // namespace dbt::riscv
