// The interpreter against qemu-riscv64 as the oracle: random RV64GC programs
// from gen_diff_program (every user-level instruction kind, with the hart
// state written to stdout every few instructions) run under qemu at build
// time; here the same ELF runs under the interpreter, with write and exit
// emulated, and the two outputs must match byte for byte. A mismatch names
// the first differing register and prints the instructions that ran since
// the last matching dump.
#include <elf.h>
#include <sys/mman.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "common/riscv/cpu_state.h"
#include "common/riscv/decoder.h"
#include "common/riscv/disasm.h"
#include "common/riscv/interpreter.h"
#include "gtest/gtest.h"

namespace dbt::riscv {
namespace {

constexpr size_t kDumpBytes = 528;  // x0..x31, f0..f31, fflags, frm (gen_diff_program)

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A static ELF's PT_LOAD segments placed at guest_base + p_vaddr.
struct Guest {
  uint8_t* base = nullptr;
  size_t size = 0;
  uint64_t entry = 0;
  uint64_t text_start = 0, text_end = 0;  // the executable segment
  ~Guest() {
    if (base != nullptr) munmap(base, size);
  }
};

bool LoadElf(const std::string& image, Guest* g) {
  if (image.size() < sizeof(Elf64_Ehdr)) return false;
  Elf64_Ehdr eh;
  std::memcpy(&eh, image.data(), sizeof(eh));
  if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_machine != EM_RISCV) return false;
  std::vector<Elf64_Phdr> loads;
  uint64_t end = 0;
  for (int i = 0; i < eh.e_phnum; ++i) {
    Elf64_Phdr ph;
    std::memcpy(&ph, image.data() + eh.e_phoff + i * sizeof(ph), sizeof(ph));
    if (ph.p_type != PT_LOAD) continue;
    loads.push_back(ph);
    end = std::max<uint64_t>(end, ph.p_vaddr + ph.p_memsz);
  }
  g->size = (end + 0xfffff) & ~uint64_t{0xfffff};
  void* p = mmap(nullptr, g->size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return false;
  g->base = static_cast<uint8_t*>(p);
  for (const Elf64_Phdr& ph : loads) {
    std::memcpy(g->base + ph.p_vaddr, image.data() + ph.p_offset, ph.p_filesz);
    if (ph.p_flags & PF_X) {
      g->text_start = ph.p_vaddr;
      g->text_end = ph.p_vaddr + ph.p_filesz;
    }
  }
  g->entry = eh.e_entry;
  return true;
}

// Runs to exit, emulating write(2) to stdout and exit(2).
std::string RunUnderInterpreter(Guest& g, std::string* error) {
  std::string output;
  CpuState cpu{};
  cpu.pc = g.entry;
  cpu.reservation_addr = kNoReservation;
  for (int rounds = 0; rounds < 100000; ++rounds) {
    uint64_t executed = 0;
    const InterpExit exit = Interpret(cpu, g.base, 1 << 20, &executed);
    if (exit == InterpExit::kInsnLimit || exit == InterpExit::kFenceI) continue;
    if (exit != InterpExit::kEcall) {
      uint32_t word;
      std::memcpy(&word, g.base + cpu.pc, 4);
      *error = "stopped with exit " + std::to_string(int(exit)) + " at " +
               Disassemble(Decode(word), cpu.pc);
      return output;
    }
    const uint64_t nr = cpu.x[17];
    if (nr == 93 || nr == 94) return output;  // exit, exit_group
    if (nr != 64 || cpu.x[10] != 1) {
      *error = "unexpected system call " + std::to_string(nr);
      return output;
    }
    output.append(reinterpret_cast<const char*>(g.base + cpu.x[11]), cpu.x[12]);
    cpu.x[10] = cpu.x[12];
    cpu.pc += 4;
  }
  *error = "did not finish";
  return output;
}

// The generated source between the (n-1)-th and n-th state dump.
std::string SourceBeforeDump(const std::string& source, size_t n) {
  std::istringstream in(source);
  std::string line, block;
  size_t dumps = 0;
  while (std::getline(in, line)) {
    if (line.find("li a2, 528") != std::string::npos) {
      if (dumps++ == n) return block;
      block.clear();
      continue;
    }
    if (line.find("(s7)") == std::string::npos) block += line + "\n";
  }
  return block;
}

std::string DescribeMismatch(const std::string& ours, const std::string& qemu,
                             const std::string& source) {
  size_t off = 0;
  while (off < ours.size() && off < qemu.size() && ours[off] == qemu[off]) ++off;
  std::ostringstream msg;
  msg << "outputs differ at byte " << off << " (ours " << ours.size() << " bytes, qemu "
      << qemu.size() << ")\n";
  const size_t dump = off / kDumpBytes;
  const size_t slot = (off % kDumpBytes) / 8;
  if (off + 8 <= ours.size() && off + 8 <= qemu.size()) {
    uint64_t a, b;
    std::memcpy(&a, ours.data() + (off & ~size_t{7}), 8);
    std::memcpy(&b, qemu.data() + (off & ~size_t{7}), 8);
    msg << "state dump " << dump << ", ";
    if (slot < 32) {
      msg << XRegName(int(slot));
    } else if (slot < 64) {
      msg << FRegName(int(slot - 32));
    } else {
      msg << (slot == 64 ? "fflags" : "frm");
    }
    msg << ": ours 0x" << std::hex << a << ", qemu 0x" << b << std::dec << "\n";
  }
  msg << "instructions since the previous dump:\n" << SourceBeforeDump(source, dump);
  return msg.str();
}

class QemuDiffTest : public testing::TestWithParam<int> {};

// The generator reaches every instruction except those it must avoid: the
// ones that trap (ebreak), and fence.tso, which GNU as only emits on request.
TEST(QemuDiffProgramsTest, CoverEveryInstruction) {
  std::vector<bool> seen(kNumOpcodes);
  for (int seed : {1, 2, 3, 4}) {
    Guest g;
    ASSERT_TRUE(
        LoadElf(ReadFile("common/riscv/diff_program_" + std::to_string(seed) + ".elf"), &g));
    for (uint64_t pc = g.entry; pc + 2 <= g.text_end;) {
      uint32_t word = 0;
      std::memcpy(&word, g.base + pc, std::min<uint64_t>(4, g.text_end - pc));
      const DecodedInsn d = Decode(word);
      seen[static_cast<size_t>(d.op)] = true;
      pc += d.length;
    }
  }
  EXPECT_FALSE(seen[0]) << "an illegal instruction in the generated text";
  for (size_t op = 1; op < kNumOpcodes; ++op) {
    const Opcode o = static_cast<Opcode>(op);
    if (o == Opcode::kEbreak || o == Opcode::kFenceTso) continue;
    EXPECT_TRUE(seen[op]) << OpcodeName(o) << " never generated";
  }
}

TEST_P(QemuDiffTest, SameOutputAsQemu) {
  const std::string stem = "common/riscv/diff_program_" + std::to_string(GetParam());
  Guest guest;
  ASSERT_TRUE(LoadElf(ReadFile(stem + ".elf"), &guest));
  std::string error;
  const std::string ours = RunUnderInterpreter(guest, &error);
  ASSERT_EQ(error, "");
  const std::string qemu = ReadFile(stem + ".qemu_out");
  ASSERT_GT(qemu.size(), 1000 * kDumpBytes);
  if (ours != qemu) {
    FAIL() << DescribeMismatch(ours, qemu, ReadFile(stem + ".s"));
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, QemuDiffTest, testing::Values(1, 2, 3, 4));

}  // namespace
}  // namespace dbt::riscv
