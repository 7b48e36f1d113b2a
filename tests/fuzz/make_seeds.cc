// Writes well-formed entries as the fuzzer's seed corpus (a fuzzer that
// starts from valid entries explores past the checksum: it mutates and the
// checksum check must hold, and libFuzzer's CMP tracing finds the rest).
#include <cstdio>
#include <cstring>
#include <string>

#include "common/cache/preload_image.h"
#include "common/cache/tb_entry.h"

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  dbt::cache::ProgramKey program;  // tb_entry_fuzz.cc's
  program.abi = 1;
  program.build = 99;
  dbt::cache::PreloadImageWriter image(program);
  for (int n = 0; n < 4; ++n) {
    dbt::cache::TbEntry e;
    e.key.abi = 1;
    e.key.build = 99;
    e.key.pc = 0x10000 + 64 * n;
    e.key.guest_size = 8 + 4 * n;
    e.key.hash = {static_cast<uint64_t>(n), 7};
    e.guest_insns = 2 + n;
    e.ranges = {{e.key.pc, e.key.guest_size}};
    e.code.assign(48 + 16 * n, 0x90);
    e.code[9] = 0xe9;
    const int32_t rel = 40 - 14;
    std::memcpy(e.code.data() + 10, &rel, 4);
    e.slots[0] = {true, 10, 40};
    e.pc_map = {{0, e.key.pc}, {20, e.key.pc + 4}};
    const std::string bytes = dbt::cache::EncodeTbEntry(e);
    const std::string path = std::string(argv[1]) + "/seed" + std::to_string(n);
    FILE* f = fopen(path.c_str(), "wb");
    if (f == nullptr) return 1;
    fwrite(bytes.data(), 1, bytes.size(), f);
    fclose(f);
    image.Add(e);
  }
  // A whole preload image of those four.
  const std::string whole = image.Finish();
  FILE* f = fopen((std::string(argv[1]) + "/image").c_str(), "wb");
  if (f == nullptr) return 1;
  fwrite(whole.data(), 1, whole.size(), f);
  fclose(f);
  return 0;
}
