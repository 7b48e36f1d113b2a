// Writes an assembly file of raw instruction words (".insn 0x...") for
// decoder_objdump_test: every 16-bit parcel (exhaustive), then pseudo-random
// 32-bit words from a fixed seed. objdump's reading of them is the oracle.
//
// Uniformly random words mostly hit unused funct7/funct3 space, so half of
// them draw each field from a skewed distribution instead: small values and
// the funct7 values the standard extensions use are much more likely, which
// puts many words on valid encodings and their immediate neighbours.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>

int main(int argc, char** argv) {
  const long count = argc > 1 ? std::strtol(argv[1], nullptr, 0) : 200000;
  std::mt19937 rng(20240611);
  std::printf("\t.option rvc\n\t.text\n");
  for (uint32_t parcel = 0; parcel < 0x10000; ++parcel) {
    if ((parcel & 3) != 3) std::printf("\t.insn 0x%04x\n", parcel);
  }
  // funct7 values of the M, F, D and base R-type instructions, and their
  // neighbours one bit away are produced by the uniform half.
  static constexpr uint32_t kFunct7[] = {0x00, 0x01, 0x20, 0x21, 0x04, 0x05, 0x08, 0x09,
                                         0x0c, 0x0d, 0x2c, 0x2d, 0x10, 0x11, 0x14, 0x15,
                                         0x60, 0x61, 0x68, 0x69, 0x70, 0x71, 0x78, 0x79,
                                         0x50, 0x51, 0x02, 0x03, 0x08, 0x0c, 0x18, 0x7c};
  for (long i = 0; i < count; ++i) {
    uint32_t w = rng();
    if (i & 1) {
      const uint32_t funct7 = kFunct7[rng() % (sizeof(kFunct7) / sizeof(kFunct7[0]))] |
                              ((rng() % 8 == 0) ? (rng() & 3) : 0);  // aq/rl or fmt bits
      const uint32_t rs2 = (rng() % 2) ? rng() % 4 : rng() % 32;
      w = (w & ~0xfff00000u) | funct7 << 25 | rs2 << 20;
    }
    w |= 3;
    if ((w & 0x1c) == 0x1c) w &= ~0x10u;  // Keep to 32-bit encodings (bits 4:2 != 111).
    std::printf("\t.insn 0x%08x\n", w);
  }
  return 0;
}
