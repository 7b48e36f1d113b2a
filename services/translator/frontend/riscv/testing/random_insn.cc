#include "services/translator/frontend/riscv/testing/random_insn.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "common/riscv/insn_info.h"
#include "common/riscv/insn_rvc.h"
#include "common/riscv/interpreter.h"
#include "services/translator/frontend/riscv/testing/guest_memory.h"

namespace dbt::frontend::riscv::testing {
namespace {

namespace rv = dbt::riscv;

bool IsBase(int r) {
  return std::find(std::begin(kBaseRegs), std::end(kBaseRegs), r) != std::end(kBaseRegs);
}

bool IsCounterCsr(uint16_t csr) { return csr >= 0xc00 && csr <= 0xc02; }

bool CsrWrites(const rv::DecodedInsn& d) {
  switch (d.op) {
    case rv::Opcode::kCsrrw:
    case rv::Opcode::kCsrrwi:
      return true;
    case rv::Opcode::kCsrrs:
    case rv::Opcode::kCsrrc:
      return d.rs1 != 0;
    default:
      return d.imm != 0;
  }
}

// CSR numbers to draw from: the implemented ones most of the time.
constexpr uint16_t kCsrs[] = {0x001, 0x002, 0x003, 0x001, 0x002, 0x003, 0xc00, 0xc01,
                              0xc02, 0x000, 0x004, 0xc03, 0x300, 0xb00, 0x7ff};

}  // namespace

bool RandomGuest::Acceptable(const rv::DecodedInsn& d) {
  if (d.op == rv::Opcode::kIllegal) return true;
  const uint32_t flags = rv::OpcodeFlags(d.op);
  if ((flags & (rv::kInsnLoad | rv::kInsnStore | rv::kInsnAmo)) && !IsBase(d.rs1)) return false;
  if ((flags & rv::kInsnRdX) && IsBase(d.rd)) return false;
  if ((flags & rv::kInsnCsr) && IsCounterCsr(d.csr) && !CsrWrites(d) && d.rd != 0) return false;
  return true;
}

uint32_t RandomGuest::Insn32(rv::Opcode op) {
  const rv::internal::InsnInfo& info = rv::internal::GetInsnInfo(op);
  const uint32_t flags = info.flags;
  for (int attempt = 0; attempt < 10000; ++attempt) {
    uint32_t w = (static_cast<uint32_t>(rng_()) & ~info.mask) | info.match;
    auto set_field = [&](int lo, uint32_t v) {
      if ((info.mask >> lo) & 0x1f) return;  // fixed by the pattern
      w = (w & ~(0x1fu << lo)) | (v << lo);
    };
    if (flags & (rv::kInsnLoad | rv::kInsnStore | rv::kInsnAmo)) {
      set_field(15, kBaseRegs[Below(3)]);
    }
    if (flags & rv::kInsnCsr) w = (w & 0xfffff) | uint32_t{kCsrs[Below(std::size(kCsrs))]} << 20;
    if ((flags & rv::kInsnRdX) && IsBase((w >> 7) & 0x1f)) set_field(7, Below(2) ? 10 : 0);
    // Rounding modes: mostly valid, sometimes DYN, rarely reserved.
    if (flags & rv::kInsnHasRm) {
      const uint32_t rm = OneIn(3) ? 7 : OneIn(12) ? 5 + Below(2) : Below(5);
      w = (w & ~(7u << 12)) | rm << 12;
    }
    const rv::DecodedInsn d = rv::Decode(w);
    if (d.op == op && Acceptable(d)) return w;
  }
  std::fprintf(stderr, "RandomGuest: no acceptable encoding of %s\n",
               std::string(rv::OpcodeName(op)).c_str());
  std::abort();
}

uint16_t RandomGuest::Insn16(const std::vector<rv::Opcode>& ops) {
  const auto forms = rv::internal::CompressedForms();
  for (int attempt = 0; attempt < 100000; ++attempt) {
    const rv::internal::CompressedForm& form = forms[Below(forms.size())];
    if (form.target == rv::Opcode::kIllegal) continue;
    if (!ops.empty() && std::find(ops.begin(), ops.end(), form.target) == ops.end()) continue;
    const uint16_t parcel =
        static_cast<uint16_t>((static_cast<uint16_t>(rng_()) & ~form.mask) | form.match);
    const rv::DecodedInsn d = rv::Decode(parcel);
    if (d.op != rv::Opcode::kIllegal && d.length == 2 && Acceptable(d)) return parcel;
  }
  std::fprintf(stderr, "RandomGuest: no acceptable compressed instruction\n");
  std::abort();
}

uint64_t RandomGuest::IntValue() {
  static constexpr uint64_t kCorners[] = {
      0,
      1,
      2,
      ~uint64_t{0},
      0x8000000000000000ull,
      0x7fffffffffffffffull,
      0x7fffffff,
      0x80000000,
      0xffffffff,
      0xffffffff80000000ull,
      0x100000000ull,
      0xfffffffffffff800ull,
      31,
      32,
      63,
      64,
  };
  switch (Below(6)) {
    case 0:
      return kCorners[Below(std::size(kCorners))];
    case 1:  // small, either sign
      return static_cast<uint64_t>(static_cast<int64_t>(Below(65)) - 32);
    case 2:  // a sign-extended 32-bit value
      return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(rng_())));
    case 3:  // a zero-extended 32-bit value
      return static_cast<uint32_t>(rng_());
    default:
      return rng_();
  }
}

uint64_t RandomGuest::FpValue() {
  static constexpr uint64_t kDoubles[] = {
      0x0000000000000000ull,  // +0
      0x8000000000000000ull,  // -0
      0x0000000000000001ull,  // min subnormal
      0x800fffffffffffffull,  // -max subnormal
      0x0010000000000000ull,  // min normal
      0x7fefffffffffffffull,  // max normal
      0xffefffffffffffffull,  // -max normal
      0x7ff0000000000000ull,  // +inf
      0xfff0000000000000ull,  // -inf
      0x7ff8000000000000ull,  // canonical qNaN
      0xfff8000000000123ull,  // qNaN with payload
      0x7ff0000000000001ull,  // sNaN
      0x3ff0000000000000ull,  // 1.0
      0xbff8000000000000ull,  // -1.5
      0x3fe0000000000000ull,  // 0.5
      0x41dfffffffc00000ull,  // 2^31 - 1
      0x41e0000000000000ull,  // 2^31
      0x43e0000000000000ull,  // 2^63
      0xc3e0000000000000ull,  // -2^63
      0x4330000000000001ull,  // 2^52 + 1
  };
  static constexpr uint32_t kSingles[] = {
      0x00000000, 0x80000000, 0x00000001, 0x807fffff, 0x00800000, 0x7f7fffff, 0xff7fffff,
      0x7f800000, 0xff800000, 0x7fc00000, 0xffc00123, 0x7f800001, 0x3f800000, 0xbfc00000,
      0x3f000000, 0x4f000000, 0xcf000000, 0x5f000000, 0x4b000001, 0x3eaaaaab,
  };
  switch (Below(7)) {
    case 0:
    case 1:
      return kDoubles[Below(std::size(kDoubles))];
    case 2:
    case 3:
      return 0xffffffff00000000ull | kSingles[Below(std::size(kSingles))];
    case 4:  // a random boxed single
      return 0xffffffff00000000ull | static_cast<uint32_t>(rng_());
    case 5: {  // a random double of moderate exponent
      const uint64_t exponent = 1023 - 40 + Below(80);
      return (rng_() & 0x800fffffffffffffull) | exponent << 52;
    }
    default:  // anything: unboxed singles, odd NaNs
      return rng_();
  }
}

std::vector<uint8_t> RandomGuest::Data() {
  std::vector<uint8_t> data(kDataSize);
  for (size_t i = 0; i < data.size(); i += 8) {
    const uint64_t v = Below(2) ? IntValue() : FpValue();
    std::memcpy(data.data() + i, &v, 8);
  }
  return data;
}

rv::CpuState RandomGuest::State(const std::vector<uint8_t>& data) {
  rv::CpuState s{};
  for (int r = 1; r < 32; ++r) s.x[r] = IntValue();
  for (int r : kBaseRegs) s.x[r] = kDataMiddle + 8 * (Below(64) - 32);
  for (int r = 0; r < 32; ++r) s.f[r] = FpValue();
  s.fflags = static_cast<uint32_t>(Below(32));
  s.frm = static_cast<uint32_t>(OneIn(8) ? 5 + Below(3) : Below(5));
  s.reservation_addr = rv::kNoReservation;
  s.reservation_value = 0;
  if (Below(2)) {  // held on a base register's address, with memory's value
    const uint64_t addr = s.x[kBaseRegs[Below(3)]];
    uint64_t v;
    std::memcpy(&v, data.data() + (addr - kDataBase), 8);
    s.reservation_addr = addr;
    s.reservation_value = Below(2) ? v : static_cast<uint32_t>(v);
    if (OneIn(4)) s.reservation_value ^= 1;  // stale
  }
  return s;
}

}  // namespace dbt::frontend::riscv::testing
