#include "common/riscv/disasm.h"

#include <cinttypes>
#include <cstdio>

#include "common/riscv/cpu_state.h"
#include "common/riscv/insn_info.h"
#include "common/riscv/insn_rvc.h"

namespace dbt::riscv {
namespace {

constexpr std::string_view kXRegNames[32] = {
    "zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "s0", "s1", "a0",
    "a1",   "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5",
    "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

constexpr std::string_view kFRegNames[32] = {
    "ft0", "ft1", "ft2", "ft3", "ft4",  "ft5",  "ft6", "ft7", "fs0",  "fs1",  "fa0",
    "fa1", "fa2", "fa3", "fa4", "fa5",  "fa6",  "fa7", "fs2", "fs3",  "fs4",  "fs5",
    "fs6", "fs7", "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
};

// Indexed by the rm field; 5 and 6 are reserved.
constexpr std::string_view kRmNames[8] = {"rne", "rtz",     "rdn",     "rup",
                                          "rmm", "unknown", "unknown", ""};

constexpr std::string_view kHpmCounterNames[] = {
    "hpmcounter3",  "hpmcounter4",  "hpmcounter5",  "hpmcounter6",  "hpmcounter7",  "hpmcounter8",
    "hpmcounter9",  "hpmcounter10", "hpmcounter11", "hpmcounter12", "hpmcounter13", "hpmcounter14",
    "hpmcounter15", "hpmcounter16", "hpmcounter17", "hpmcounter18", "hpmcounter19", "hpmcounter20",
    "hpmcounter21", "hpmcounter22", "hpmcounter23", "hpmcounter24", "hpmcounter25", "hpmcounter26",
    "hpmcounter27", "hpmcounter28", "hpmcounter29", "hpmcounter30", "hpmcounter31",
};
constexpr std::string_view kHpmCounterHNames[] = {
    "hpmcounter3h",  "hpmcounter4h",  "hpmcounter5h",  "hpmcounter6h",  "hpmcounter7h",
    "hpmcounter8h",  "hpmcounter9h",  "hpmcounter10h", "hpmcounter11h", "hpmcounter12h",
    "hpmcounter13h", "hpmcounter14h", "hpmcounter15h", "hpmcounter16h", "hpmcounter17h",
    "hpmcounter18h", "hpmcounter19h", "hpmcounter20h", "hpmcounter21h", "hpmcounter22h",
    "hpmcounter23h", "hpmcounter24h", "hpmcounter25h", "hpmcounter26h", "hpmcounter27h",
    "hpmcounter28h", "hpmcounter29h", "hpmcounter30h", "hpmcounter31h",
};

// "iorw" bits of a fence's predecessor or successor set; objdump prints an
// empty set as "unknown".
std::string FenceSet(uint32_t set) {
  std::string s;
  if (set & 8) s += 'i';
  if (set & 4) s += 'o';
  if (set & 2) s += 'r';
  if (set & 1) s += 'w';
  return s.empty() ? "unknown" : s;
}

void AppendF(std::string& out, const char* fmt, uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), fmt, v);
  out += buf;
}

// Expands a syntax string (letters of insn_table.inc) for the decoded fields.
void AppendOperands(std::string& out, std::string_view syntax, const DecodedInsn& d, uint32_t flags,
                    uint64_t pc) {
  for (char c : syntax) {
    switch (c) {
      case 'd':
        out += (flags & kInsnRdF) ? FRegName(d.rd) : XRegName(d.rd);
        break;
      case 's':
        out += (flags & kInsnRs1F) ? FRegName(d.rs1) : XRegName(d.rs1);
        break;
      case 't':
        out += (flags & kInsnRs2F) ? FRegName(d.rs2) : XRegName(d.rs2);
        break;
      case 'r':
        out += FRegName(d.rs3);
        break;
      case 'j':
      case 'z':
        out += std::to_string(d.imm);
        break;
      case 'h':
        AppendF(out, "0x%" PRIx64, static_cast<uint64_t>(d.imm));
        break;
      case 'u':
        AppendF(out, "0x%" PRIx64, (static_cast<uint64_t>(d.imm) >> 12) & 0xfffff);
        break;
      case 'b':
        AppendF(out, "0x%" PRIx64, pc + static_cast<uint64_t>(d.imm));
        break;
      case 'c': {
        const std::string_view name = CsrName(d.csr);
        if (name.empty()) {
          AppendF(out, "0x%" PRIx64, d.csr);
        } else {
          out += name;
        }
        break;
      }
      case 'm':
        if (d.rm == kRmDyn) {
          if (!out.empty() && out.back() == ',') out.pop_back();  // dyn is the default: omitted
        } else {
          out += kRmNames[d.rm & 7];
        }
        break;
      case 'P':
        out += FenceSet((d.imm >> 4) & 0xf);
        break;
      case 'Q':
        out += FenceSet(d.imm & 0xf);
        break;
      default:
        out += c;
    }
  }
}

}  // namespace

std::string_view XRegName(int reg) { return kXRegNames[reg & 31]; }
std::string_view FRegName(int reg) { return kFRegNames[reg & 31]; }

std::string_view CsrName(uint16_t csr) {
  switch (csr) {
    case 0x001:
      return "fflags";
    case 0x002:
      return "frm";
    case 0x003:
      return "fcsr";
    case 0xc00:
      return "cycle";
    case 0xc01:
      return "time";
    case 0xc02:
      return "instret";
    case 0xc80:
      return "cycleh";
    case 0xc81:
      return "timeh";
    case 0xc82:
      return "instreth";
    default:
      break;
  }
  if (csr >= 0xc03 && csr <= 0xc1f) return kHpmCounterNames[csr - 0xc03];
  if (csr >= 0xc83 && csr <= 0xc9f) return kHpmCounterHNames[csr - 0xc83];
  return "";
}

std::string Disassemble(const DecodedInsn& d, uint64_t pc) {
  std::string out;
  if (d.op == Opcode::kIllegal) {
    AppendF(out, d.length == 2 ? ".2byte  0x%" PRIx64 : ".4byte  0x%" PRIx64, d.raw);
    return out;
  }
  const uint32_t flags = OpcodeFlags(d.op);
  std::string_view syntax;
  if (d.length == 2) {
    const internal::CompressedForm* form = internal::FindCompressedForm(d.raw);
    if (form == nullptr) return "?";  // Not a Decode() result.
    out = form->mnemonic;
    syntax = form->syntax;
  } else {
    const internal::InsnInfo& info = internal::GetInsnInfo(d.op);
    out = info.mnemonic;
    syntax = info.syntax;
    if (flags & kInsnHasAqRl) {
      static constexpr std::string_view kSuffix[4] = {"", ".rl", ".aq", ".aqrl"};
      out += kSuffix[d.aqrl & 3];
    }
  }
  if (syntax.empty()) return out;
  // objdump separates the operands with a tab; pad to the next 8-column stop.
  out.append(out.size() < 8 ? 8 - out.size() : 1, ' ');
  AppendOperands(out, syntax, d, flags, pc);
  return out;
}

}  // namespace dbt::riscv
