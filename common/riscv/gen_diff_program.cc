// Writes a random RV64GC program (GNU as syntax) for interp_qemu_diff_test:
// registers start from a table of random values, then come random
// instructions of every user-level kind -- integer, M, A, F, D, Zicsr, C,
// loads/stores into a scratch buffer, forward branches and jumps -- and
// every few instructions the whole hart state (x1..x31, f0..f31, fflags,
// frm) is written to stdout with the write system call. At the end the
// scratch memory is written too and the program exits.
//
// The same binary runs under qemu-riscv64 (the oracle) and under the
// interpreter; their outputs must be identical byte for byte.
//
// Constraints keep both runs well defined: memory operands go through
// reserved base registers into the scratch area (AMOs aligned, as the spec
// requires); branches and jumps only go forward; frm is only ever written
// with valid modes, so DYN rounding never traps; no ebreak, illegal or
// counter/time CSR reads (the instruction counts differ from qemu's).
//
// Usage: gen_diff_program SEED INSNS DUMP_EVERY
#include <cinttypes>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

namespace {

std::mt19937_64 rng;

uint64_t Rand(uint64_t n) { return rng() % n; }
int64_t RandRange(int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(Rand(hi - lo + 1)); }
template <typename T, size_t N>
const T& Pick(const T (&a)[N]) {
  return a[Rand(N)];
}

const char* const kX[32] = {"zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "s0", "s1", "a0",
                            "a1",   "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5",
                            "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"};

// Reserved: sp (x2) and s1 (x9) scratch bases for the C forms, s7 (x23) dump
// area, s8 (x24) jump target, s9 (x25) AMO address, s10 (x26) AMO area,
// s11 (x27) scratch base (points at scratch + 2048).
bool Reserved(int r) { return r == 2 || r == 9 || (r >= 23 && r <= 27); }

int AnyX() { return static_cast<int>(Rand(32)); }
int DestX() {
  for (;;) {
    const int r = AnyX();
    if (!Reserved(r)) return r;
  }
}
// rd'/rs1' of the C forms: x8..x15, written ones not reserved.
int DestCX() {
  for (;;) {
    const int r = 8 + static_cast<int>(Rand(8));
    if (!Reserved(r)) return r;
  }
}
int AnyCX() { return 8 + static_cast<int>(Rand(8)); }
int DestXNonZero() {
  for (;;) {
    const int r = DestX();
    if (r != 0) return r;
  }
}
std::string F(int r) { return "f" + std::to_string(r); }
int AnyF() { return static_cast<int>(Rand(32)); }

const char* const kRm[] = {"rne", "rtz", "rdn", "rup", "rmm", "dyn"};

std::vector<std::string> out;
int label_counter = 0;
// Labels waiting to be placed after a number of further instruction groups.
struct PendingLabel {
  int label;
  int remaining;
};
std::vector<PendingLabel> pending;

// Lines of the current group: one random instruction and the setup it needs
// (an address in s9, a jump target in s8). Labels land only between groups,
// so a branch never skips the setup of the instruction it lands on.
void Emit(const std::string& s) { out.push_back("\t" + s); }

void EndGroup() {
  for (auto it = pending.begin(); it != pending.end();) {
    if (--it->remaining <= 0) {
      out.push_back(".L" + std::to_string(it->label) + ":");
      it = pending.erase(it);
    } else {
      ++it;
    }
  }
}

std::string Fmt(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
std::string Fmt(const char* fmt, ...) {
  char buf[256];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(buf, sizeof(buf), fmt, ap);
  va_end(ap);
  return buf;
}

// A label placed after this group and 0..4 more.
std::string ForwardLabel() {
  const int l = label_counter++;
  pending.push_back({l, static_cast<int>(RandRange(1, 5))});
  return ".L" + std::to_string(l);
}

void EmitInteger() {
  static const char* const kRR[] = {"add",  "sub",  "sll",  "slt",    "sltu",  "xor",  "srl",
                                    "sra",  "or",   "and",  "addw",   "subw",  "sllw", "srlw",
                                    "sraw", "mul",  "mulh", "mulhsu", "mulhu", "div",  "divu",
                                    "rem",  "remu", "mulw", "divw",   "divuw", "remw", "remuw"};
  static const char* const kRI[] = {"addi", "slti", "sltiu", "xori", "ori", "andi", "addiw"};
  switch (Rand(6)) {
    case 0:
    case 1:
      Emit(Fmt("%s %s, %s, %s", Pick(kRR), kX[DestX()], kX[AnyX()], kX[AnyX()]));
      break;
    case 2:
      Emit(Fmt("%s %s, %s, %d", Pick(kRI), kX[DestX()], kX[AnyX()],
               static_cast<int>(RandRange(-2048, 2047))));
      break;
    case 3: {
      static const char* const kSh[] = {"slli", "srli", "srai"};
      static const char* const kShW[] = {"slliw", "srliw", "sraiw"};
      if (Rand(2)) {
        Emit(Fmt("%s %s, %s, %d", Pick(kSh), kX[DestX()], kX[AnyX()], int(Rand(64))));
      } else {
        Emit(Fmt("%s %s, %s, %d", Pick(kShW), kX[DestX()], kX[AnyX()], int(Rand(32))));
      }
      break;
    }
    case 4:
      Emit(Fmt("%s %s, 0x%x", Rand(2) ? "lui" : "auipc", kX[DestX()], unsigned(Rand(1 << 20))));
      break;
    case 5: {  // A 64-bit value worth dividing or shifting by: load an edge case.
      static const char* const kEdge[] = {"0",
                                          "-1",
                                          "1",
                                          "0x7fffffffffffffff",
                                          "0x8000000000000000",
                                          "0x80000000",
                                          "0x7fffffff",
                                          "0xffffffff",
                                          "63",
                                          "64",
                                          "32",
                                          "31"};
      Emit(Fmt("li %s, %s", kX[DestX()], Pick(kEdge)));
      break;
    }
  }
}

void EmitMemory() {
  static const char* const kLoads[] = {"lb", "lh", "lw", "ld", "lbu", "lhu", "lwu"};
  static const char* const kStores[] = {"sb", "sh", "sw", "sd"};
  const int off = static_cast<int>(RandRange(-2048, 2040));
  switch (Rand(4)) {
    case 0:
      Emit(Fmt("%s %s, %d(s11)", Pick(kLoads), kX[DestX()], off));
      break;
    case 1:
      Emit(Fmt("%s %s, %d(s11)", Pick(kStores), kX[AnyX()], off));
      break;
    case 2:
      Emit(Fmt("%s %s, %d(s11)", Rand(2) ? "flw" : "fld", F(AnyF()).c_str(), off));
      break;
    case 3:
      Emit(Fmt("%s %s, %d(s11)", Rand(2) ? "fsw" : "fsd", F(AnyF()).c_str(), off));
      break;
  }
}

void EmitAtomic() {
  static const char* const kAmo[] = {"amoswap", "amoadd", "amoxor",  "amoand", "amoor",
                                     "amomin",  "amomax", "amominu", "amomaxu"};
  static const char* const kOrd[] = {"", ".aq", ".rl", ".aqrl"};
  const bool d = Rand(2);
  Emit(Fmt("addi s9, s10, %d", int(Rand(16)) * 8 + (d ? 0 : int(Rand(2)) * 4)));
  const char* w = d ? "d" : "w";
  switch (Rand(4)) {
    case 0: {  // An LR/SC pair, sometimes with a store to the reserved word between.
      Emit(Fmt("lr.%s%s %s, (s9)", w, Pick(kOrd), kX[DestX()]));
      if (Rand(3) == 0) Emit(Fmt("s%s %s, 0(s9)", w, kX[AnyX()]));
      Emit(Fmt("sc.%s%s %s, %s, (s9)", w, Pick(kOrd), kX[DestX()], kX[AnyX()]));
      break;
    }
    case 1:
      Emit(Fmt("sc.%s %s, %s, (s9)", w, kX[DestX()], kX[AnyX()]));  // usually no reservation
      break;
    default:
      Emit(Fmt("%s.%s%s %s, %s, (s9)", Pick(kAmo), w, Pick(kOrd), kX[DestX()], kX[AnyX()]));
      break;
  }
}

void EmitFloat() {
  const char* s = Rand(2) ? "s" : "d";
  const char* rm = Pick(kRm);
  switch (Rand(9)) {
    case 0: {
      static const char* const kOp[] = {"fadd", "fsub", "fmul", "fdiv"};
      Emit(Fmt("%s.%s %s, %s, %s, %s", Pick(kOp), s, F(AnyF()).c_str(), F(AnyF()).c_str(),
               F(AnyF()).c_str(), rm));
      break;
    }
    case 1: {
      static const char* const kOp[] = {"fmadd", "fmsub", "fnmsub", "fnmadd"};
      Emit(Fmt("%s.%s %s, %s, %s, %s, %s", Pick(kOp), s, F(AnyF()).c_str(), F(AnyF()).c_str(),
               F(AnyF()).c_str(), F(AnyF()).c_str(), rm));
      break;
    }
    case 2: {
      static const char* const kOp[] = {"fsgnj", "fsgnjn", "fsgnjx", "fmin", "fmax"};
      Emit(Fmt("%s.%s %s, %s, %s", Pick(kOp), s, F(AnyF()).c_str(), F(AnyF()).c_str(),
               F(AnyF()).c_str()));
      break;
    }
    case 3:
      Emit(Fmt("fsqrt.%s %s, %s, %s", s, F(AnyF()).c_str(), F(AnyF()).c_str(), rm));
      break;
    case 4: {
      static const char* const kOp[] = {"feq", "flt", "fle"};
      Emit(
          Fmt("%s.%s %s, %s, %s", Pick(kOp), s, kX[DestX()], F(AnyF()).c_str(), F(AnyF()).c_str()));
      break;
    }
    case 5: {  // to integer
      static const char* const kTo[] = {"w", "wu", "l", "lu"};
      Emit(Fmt("fcvt.%s.%s %s, %s, %s", Pick(kTo), s, kX[DestX()], F(AnyF()).c_str(), rm));
      break;
    }
    case 6: {  // from integer; fcvt.d.w(u) take no rounding mode in GNU as
      static const char* const kFrom[] = {"w", "wu", "l", "lu"};
      const char* from = Pick(kFrom);
      const bool exact = s[0] == 'd' && from[0] == 'w';
      Emit(Fmt("fcvt.%s.%s %s, %s%s%s", s, from, F(AnyF()).c_str(), kX[AnyX()], exact ? "" : ", ",
               exact ? "" : rm));
      break;
    }
    case 7:
      if (Rand(2)) {
        Emit(Fmt("fcvt.s.d %s, %s, %s", F(AnyF()).c_str(), F(AnyF()).c_str(), rm));
      } else {
        Emit(Fmt("fcvt.d.s %s, %s", F(AnyF()).c_str(), F(AnyF()).c_str()));
      }
      break;
    case 8:
      switch (Rand(3)) {
        case 0:
          Emit(Fmt("fmv.x.%s %s, %s", s[0] == 's' ? "w" : "d", kX[DestX()], F(AnyF()).c_str()));
          break;
        case 1:
          Emit(Fmt("fmv.%s.x %s, %s", s[0] == 's' ? "w" : "d", F(AnyF()).c_str(), kX[AnyX()]));
          break;
        case 2:
          Emit(Fmt("fclass.%s %s, %s", s, kX[DestX()], F(AnyF()).c_str()));
          break;
      }
      break;
  }
}

void EmitCsr() {
  static const char* const kFpCsr[] = {"fflags", "frm", "fcsr"};
  switch (Rand(6)) {
    case 0:
      Emit(Fmt("csrrs %s, %s, zero", kX[DestX()], Pick(kFpCsr)));
      break;
    case 1:  // only fflags takes arbitrary register values: frm must stay valid
      Emit(Fmt("csrrw %s, fflags, %s", kX[DestX()], kX[AnyX()]));
      break;
    case 2:
      Emit(Fmt("%s %s, fflags, %s", Rand(2) ? "csrrs" : "csrrc", kX[DestX()], kX[AnyX()]));
      break;
    case 3:
      Emit(Fmt("csrrwi %s, frm, %d", kX[DestX()], int(Rand(5))));
      break;
    case 4:
      Emit(Fmt("%s %s, fflags, %d", Rand(2) ? "csrrsi" : "csrrci", kX[DestX()], int(Rand(32))));
      break;
    case 5:  // fcsr from a 5-bit immediate: frm becomes 0
      Emit(Fmt("csrrwi %s, fcsr, %d", kX[DestX()], int(Rand(32))));
      break;
  }
}

void EmitControl() {
  static const char* const kBr[] = {"beq", "bne", "blt", "bge", "bltu", "bgeu"};
  switch (Rand(6)) {
    case 0:
    case 1: {
      const int a = AnyX();
      const int b = Rand(4) == 0 ? a : AnyX();
      Emit(Fmt("%s %s, %s, %s", Pick(kBr), kX[a], kX[b], ForwardLabel().c_str()));
      break;
    }
    case 2:
      Emit(Fmt("jal %s, %s", kX[DestX()], ForwardLabel().c_str()));
      break;
    case 3: {  // jalr through a register; odd offsets check that bit 0 is cleared
      const std::string l = ForwardLabel();
      Emit(Fmt("lla s8, %s", l.c_str()));
      Emit(Fmt("jalr %s, %d(s8)", kX[DestX()], Rand(2) ? 1 : 0));
      break;
    }
    case 4:
      Emit(Fmt("c.%s %s, %s", Rand(2) ? "beqz" : "bnez", kX[AnyCX()], ForwardLabel().c_str()));
      break;
    case 5:
      if (Rand(2)) {
        Emit(Fmt("c.j %s", ForwardLabel().c_str()));
      } else {
        const std::string l = ForwardLabel();
        Emit(Fmt("lla s8, %s", l.c_str()));
        Emit(Rand(2) ? "c.jalr s8" : "c.jr s8");
      }
      break;
  }
}

void EmitCompressed() {
  switch (Rand(12)) {
    case 0:
      Emit(Fmt("c.addi %s, %d", kX[DestXNonZero()], int(RandRange(-32, 31)) | 1));
      break;
    case 1:
      Emit(Fmt("c.li %s, %d", kX[DestXNonZero()], int(RandRange(-32, 31))));
      break;
    case 2: {
      int rd;
      do rd = DestXNonZero();
      while (rd == 2);
      Emit(Fmt("c.lui %s, %d", kX[rd], int(RandRange(1, 31))));
      break;
    }
    case 3:
      Emit(Fmt("c.addiw %s, %d", kX[DestXNonZero()], int(RandRange(-32, 31))));
      break;
    case 4:
      Emit(Fmt("c.slli %s, %d", kX[DestXNonZero()], int(RandRange(1, 63))));
      break;
    case 5: {
      static const char* const kOp[] = {"c.srli", "c.srai"};
      Emit(Fmt("%s %s, %d", Pick(kOp), kX[DestCX()], int(RandRange(1, 63))));
      break;
    }
    case 6:
      Emit(Fmt("c.andi %s, %d", kX[DestCX()], int(RandRange(-32, 31))));
      break;
    case 7: {
      static const char* const kOp[] = {"c.sub", "c.xor", "c.or", "c.and", "c.subw", "c.addw"};
      Emit(Fmt("%s %s, %s", Pick(kOp), kX[DestCX()], kX[AnyCX()]));
      break;
    }
    case 8: {
      int rs;
      do rs = AnyX();
      while (rs == 0);
      Emit(Fmt("%s %s, %s", Rand(2) ? "c.mv" : "c.add", kX[DestXNonZero()], kX[rs]));
      break;
    }
    case 9:  // s1 and sp point at the scratch start
      switch (Rand(6)) {
        case 0:
          Emit(Fmt("c.lw %s, %d(s1)", kX[DestCX()], int(Rand(32)) * 4));
          break;
        case 1:
          Emit(Fmt("c.ld %s, %d(s1)", kX[DestCX()], int(Rand(32)) * 8));
          break;
        case 2:
          Emit(Fmt("c.sw %s, %d(s1)", kX[AnyCX()], int(Rand(32)) * 4));
          break;
        case 3:
          Emit(Fmt("c.sd %s, %d(s1)", kX[AnyCX()], int(Rand(32)) * 8));
          break;
        case 4:
          Emit(Fmt("c.fld f%d, %d(s1)", 8 + int(Rand(8)), int(Rand(32)) * 8));
          break;
        case 5:
          Emit(Fmt("c.fsd f%d, %d(s1)", 8 + int(Rand(8)), int(Rand(32)) * 8));
          break;
      }
      break;
    case 10:
      switch (Rand(7)) {
        case 0:
          Emit(Fmt("c.lwsp %s, %d(sp)", kX[DestXNonZero()], int(Rand(64)) * 4));
          break;
        case 1:
          Emit(Fmt("c.ldsp %s, %d(sp)", kX[DestXNonZero()], int(Rand(64)) * 8));
          break;
        case 2:
          Emit(Fmt("c.swsp %s, %d(sp)", kX[AnyX()], int(Rand(64)) * 4));
          break;
        case 3:
          Emit(Fmt("c.sdsp %s, %d(sp)", kX[AnyX()], int(Rand(64)) * 8));
          break;
        case 4:
          Emit(Fmt("c.fldsp f%d, %d(sp)", int(Rand(32)), int(Rand(64)) * 8));
          break;
        case 5:
          Emit(Fmt("c.fsdsp f%d, %d(sp)", int(Rand(32)), int(Rand(64)) * 8));
          break;
        case 6:
          Emit(Fmt("c.addi4spn %s, sp, %d", kX[DestCX()], int(RandRange(1, 255)) * 4));
          break;
      }
      break;
    case 11:
      Emit(Rand(2) ? "c.nop" : (Rand(2) ? "fence" : "fence.i"));
      break;
  }
}

// Stores the hart state at s7 and writes it to stdout; restores the
// registers the system call used.
void EmitDump() {
  for (int r = 1; r < 32; ++r) out.push_back(Fmt("\tsd %s, %d(s7)", kX[r], r * 8));
  for (int r = 0; r < 32; ++r) out.push_back(Fmt("\tfsd f%d, %d(s7)", r, 256 + r * 8));
  out.push_back("\tcsrrs t0, fflags, zero");
  out.push_back("\tsd t0, 512(s7)");
  out.push_back("\tcsrrs t0, frm, zero");
  out.push_back("\tsd t0, 520(s7)");
  out.push_back("\tli a7, 64");
  out.push_back("\tli a0, 1");
  out.push_back("\tmv a1, s7");
  out.push_back("\tli a2, 528");
  out.push_back("\tecall");
  for (const char* r : {"t0", "a0", "a1", "a2", "a7"}) {
    int n = 0;
    while (std::string(kX[n]) != r) ++n;
    out.push_back(Fmt("\tld %s, %d(s7)", r, n * 8));
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s SEED INSNS DUMP_EVERY\n", argv[0]);
    return 2;
  }
  rng.seed(std::strtoull(argv[1], nullptr, 0));
  const long insns = std::strtol(argv[2], nullptr, 0);
  const long dump_every = std::strtol(argv[3], nullptr, 0);

  std::printf("\t.option norelax\n\t.globl _start\n\t.text\n_start:\n");
  std::printf("\tlla t0, init_x\n");
  for (int r = 1; r < 32; ++r) {
    if (r != 5) std::printf("\tld %s, %d(t0)\n", kX[r], r * 8);
  }
  std::printf("\tlla t0, init_f\n");
  for (int r = 0; r < 32; ++r) std::printf("\tfld f%d, %d(t0)\n", r, r * 8);
  std::printf("\tli t0, 0\n");
  std::printf("\tlla s11, scratch + 2048\n\tlla s1, scratch\n\tlla sp, scratch\n");
  std::printf("\tlla s10, amo_area\n\tlla s7, dump_area\n");

  for (long i = 0; i < insns; ++i) {
    switch (Rand(10)) {
      case 0:
      case 1:
        EmitInteger();
        break;
      case 2:
        EmitMemory();
        break;
      case 3:
        EmitAtomic();
        break;
      case 4:
      case 5:
        EmitFloat();
        break;
      case 6:
        EmitCsr();
        break;
      case 7:
        EmitControl();
        break;
      default:
        EmitCompressed();
        break;
    }
    EndGroup();
    if ((i + 1) % dump_every == 0) {
      while (!pending.empty()) {  // land pending labels before the dump
        Emit("c.nop");
        EndGroup();
      }
      EmitDump();
    }
  }
  while (!pending.empty()) {
    Emit("c.nop");
    EndGroup();
  }
  EmitDump();
  // The scratch memory (4 KiB) and the AMO area, then exit(0).
  out.push_back("\tli a7, 64\n\tli a0, 1\n\tlla a1, scratch\n\tli a2, 4096\n\tecall");
  out.push_back("\tli a7, 64\n\tli a0, 1\n\tlla a1, amo_area\n\tli a2, 256\n\tecall");
  out.push_back("\tli a7, 93\n\tli a0, 0\n\tecall");
  for (const std::string& line : out) std::printf("%s\n", line.c_str());

  // Register and memory contents: random bits, plus FP values that make the
  // arithmetic interesting (boxed singles, small doubles, specials).
  std::printf("\t.data\n\t.balign 8\ninit_x:\n");
  for (int r = 0; r < 32; ++r) std::printf("\t.dword 0x%016" PRIx64 "\n", uint64_t(rng()));
  std::printf("init_f:\n");
  static const uint64_t kSpecial[] = {
      0x0000000000000000, 0x8000000000000000, 0x7ff0000000000000, 0xfff0000000000000,
      0x7ff8000000000000, 0x7ff4000000000000, 0x0000000000000001, 0x000fffffffffffff,
      0x3ff0000000000000, 0xbff8000000000000, 0x43e0000000000000, 0xc3e0000000000000,
      0x41dfffffffc00000, 0xffffffff7f800000, 0xffffffff7fc00000, 0xffffffff7fa00000,
      0xffffffff00000001, 0xffffffff80000000, 0xffffffff3f800000, 0xffffffff4f000000,
      0x000000003f800000,  // an unboxed single
  };
  for (int r = 0; r < 32; ++r) {
    uint64_t v;
    switch (Rand(4)) {
      case 0:
        v = Pick(kSpecial);
        break;
      case 1:  // a boxed single of moderate exponent
        v = 0xffffffff00000000u |
            (uint64_t(RandRange(0x3c000000, 0x43ffffff)) | (Rand(2) ? 0x80000000u : 0));
        break;
      case 2:  // a double of moderate exponent
        v = (uint64_t(RandRange(0x3c0, 0x43f)) << 52) | (rng() & 0x000fffffffffffffu) |
            (Rand(2) ? 0x8000000000000000u : 0);
        break;
      default:
        v = rng();
        break;
    }
    std::printf("\t.dword 0x%016" PRIx64 "\n", v);
  }
  std::printf("\t.balign 16\nscratch:\n");
  for (int i = 0; i < 4096 / 8; ++i) std::printf("\t.dword 0x%016" PRIx64 "\n", uint64_t(rng()));
  std::printf("amo_area:\n");
  for (int i = 0; i < 256 / 8; ++i) std::printf("\t.dword 0x%016" PRIx64 "\n", uint64_t(rng()));
  std::printf("dump_area:\n\t.zero 528\n");
  return 0;
}
