// Lock-step differential tests: the frontend's IR (run by the IR evaluator)
// against the reference interpreter, instruction by instruction and over
// random sequences, from random states. Seeds are fixed; a failure prints
// the TB's disassembly, its IR and the differing state.
#include <gtest/gtest.h>

#include <time.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/riscv/decoder.h"
#include "common/riscv/helpers.h"
#include "services/translator/frontend/riscv/testing/lockstep.h"
#include "services/translator/frontend/riscv/testing/random_insn.h"

namespace dbt::frontend::riscv::testing {
namespace {

namespace rv = dbt::riscv;

constexpr uint32_t kEbreak = 0x00100073;

// Every opcode of the table (not kIllegal).
std::vector<rv::Opcode> AllOpcodes() {
  std::vector<rv::Opcode> ops;
  for (size_t i = 1; i < rv::kNumOpcodes; ++i) ops.push_back(static_cast<rv::Opcode>(i));
  return ops;
}

// Opcodes that do not end a TB: the body of random sequences.
std::vector<rv::Opcode> StraightLineOpcodes() {
  std::vector<rv::Opcode> ops;
  for (rv::Opcode op : AllOpcodes()) {
    if (!(rv::OpcodeFlags(op) & rv::kInsnEndsTb)) ops.push_back(op);
  }
  return ops;
}

class PerOpcodeTest : public ::testing::TestWithParam<rv::Opcode> {};

// Each instruction alone (one-instruction TB) or followed by ebreak, from
// 2000 random states.
TEST_P(PerOpcodeTest, MatchesInterpreter) {
  const rv::Opcode op = GetParam();
  RandomGuest gen(0x5eed0000 + static_cast<uint64_t>(op));
  Lockstep lockstep(RunnerFromEnvironment());
  for (int i = 0; i < 2000; ++i) {
    LockstepCase c;
    c.data = gen.Data();
    c.cpu = gen.State(c.data);
    const bool alone = gen.Below(2);
    c.code = CodeBytes(alone ? std::vector<uint32_t>{gen.Insn32(op)}
                             : std::vector<uint32_t>{gen.Insn32(op), kEbreak});
    if (alone) c.options.max_insns = 1;
    const std::string report = lockstep.Run(c);
    ASSERT_TRUE(report.empty()) << "case " << i << "\n" << report;
  }
}

INSTANTIATE_TEST_SUITE_P(AllOpcodes, PerOpcodeTest, ::testing::ValuesIn(AllOpcodes()),
                         [](const ::testing::TestParamInfo<rv::Opcode>& info) {
                           std::string name(rv::OpcodeName(info.param));
                           for (char& ch : name) {
                             if (ch == '.') ch = '_';
                           }
                           return name;
                         });

// Compressed instructions: runs of 1..8 random RVC instructions.
TEST(LockstepTest, CompressedSequences) {
  RandomGuest gen(0xc0de);
  Lockstep lockstep(RunnerFromEnvironment());
  for (int i = 0; i < 20000; ++i) {
    LockstepCase c;
    c.data = gen.Data();
    c.cpu = gen.State(c.data);
    std::vector<uint32_t> words;
    const int n = 1 + static_cast<int>(gen.Below(8));
    for (int k = 0; k < n; ++k) words.push_back(gen.Insn16());
    words.push_back(kEbreak);
    c.code = CodeBytes(words);
    {
      const std::string report = lockstep.Run(c);
      ASSERT_TRUE(report.empty()) << "case " << i << "\n" << report;
    }
  }
}

// Random straight-line sequences of 1..40 instructions (a quarter of them
// compressed) from random places in the code region, so that some cross
// the page boundary, ending in a random terminator or none.
TEST(LockstepTest, RandomSequences) {
  RandomGuest gen(0x5e9);
  Lockstep lockstep(RunnerFromEnvironment());
  const std::vector<rv::Opcode> body = StraightLineOpcodes();
  const std::vector<rv::Opcode> ends = {rv::Opcode::kBeq,    rv::Opcode::kBne,   rv::Opcode::kBlt,
                                        rv::Opcode::kBge,    rv::Opcode::kBltu,  rv::Opcode::kBgeu,
                                        rv::Opcode::kJal,    rv::Opcode::kJalr,  rv::Opcode::kEcall,
                                        rv::Opcode::kEbreak, rv::Opcode::kFenceI};
  for (int i = 0; i < 20000; ++i) {
    LockstepCase c;
    c.data = gen.Data();
    c.cpu = gen.State(c.data);
    c.code_pc = kCodeBase + 2 * gen.Below(0x1000);
    std::vector<uint32_t> words;
    const int n = 1 + static_cast<int>(gen.Below(40));
    for (int k = 0; k < n; ++k) {
      words.push_back(gen.OneIn(4) ? gen.Insn16() : gen.Insn32(body[gen.Below(body.size())]));
    }
    if (!gen.OneIn(5)) words.push_back(gen.Insn32(ends[gen.Below(ends.size())]));
    c.code = CodeBytes(words);
    if (gen.OneIn(10)) c.options.max_insns = 1 + static_cast<int>(gen.Below(4));
    {
      const std::string report = lockstep.Run(c);
      ASSERT_TRUE(report.empty()) << "case " << i << "\n" << report;
    }
  }
}

// Long blocks, up to the 512-instruction limit: register pressure and many
// exits' worth of state in one TB.
TEST(LockstepTest, LongSequences) {
  RandomGuest gen(0x10c6);
  Lockstep lockstep(RunnerFromEnvironment());
  const std::vector<rv::Opcode> body = StraightLineOpcodes();
  for (int i = 0; i < 200; ++i) {
    LockstepCase c;
    c.data = gen.Data();
    c.cpu = gen.State(c.data);
    c.cpu.frm = static_cast<uint32_t>(gen.Below(5));  // keep going past dynamic-rm insns
    std::vector<uint32_t> words;
    const int n = 200 + static_cast<int>(gen.Below(400));
    for (int k = 0; k < n; ++k) {
      const rv::Opcode op = body[gen.Below(body.size())];
      // Keep the block long: nothing that ends it (compressed jumps, csr
      // writes that may make frm reserved, reserved static modes).
      auto ends_early = [](uint32_t w) {
        const rv::DecodedInsn d = rv::Decode(w);
        const uint32_t flags = rv::OpcodeFlags(d.op);
        return d.op == rv::Opcode::kIllegal || (flags & (rv::kInsnEndsTb | rv::kInsnCsr)) ||
               ((flags & rv::kInsnHasRm) && d.rm > 4 && d.rm != 7);
      };
      uint32_t w;
      do {
        w = gen.OneIn(4) ? gen.Insn16() : gen.Insn32(op);
      } while (ends_early(w));
      words.push_back(w);
    }
    c.code = CodeBytes(words);
    const std::string report = lockstep.Run(c);
    ASSERT_TRUE(report.empty()) << "case " << i << "\n" << report;
    EXPECT_GE(lockstep.last_tb().insns.size(), 200u);
  }
}

// exit_request set before the TB runs: it leaves at entry, pc = the TB's pc,
// nothing executed.
TEST(LockstepTest, ExitRequestAtEntry) {
  GuestMemory memory;
  const std::vector<uint8_t> code = CodeBytes({0x00150513 /* addi a0,a0,1 */, 0x00100073});
  std::memcpy(memory.at(kCodeBase), code.data(), code.size());
  BufferCodeSource source(0, {memory.base(), kGuestSize});
  TranslateResult result = TranslateBlock(source, kCodeBase);
  ASSERT_TRUE(result.tb.has_value());
  auto env = std::make_unique<GuestEnv>();
  env->guest_base = reinterpret_cast<uint64_t>(memory.base());
  rv::FillHelperTable(env->helpers);
  env->exit_request = 1;
  env->cpu.pc = 0x1234;
  absl::StatusOr<TbExitKind> exit = RunnerFromEnvironment()(*result.tb, *env);
  ASSERT_TRUE(exit.ok()) << exit.status();
  EXPECT_EQ(*exit, kTbExitRequested);
  EXPECT_EQ(env->cpu.pc, kCodeBase);
  EXPECT_EQ(env->cpu.x[10], 0u);
}

// cycle, time and instret read host clocks in generated code (not
// comparable with the interpreter's counts): each read lies between two
// readings of CLOCK_MONOTONIC taken around the TB, in nanoseconds.
TEST(LockstepTest, CounterCsrsReadTheMonotonicClock) {
  GuestMemory memory;
  // rdcycle a0; rdtime a1; rdinstret a2; ebreak
  const std::vector<uint8_t> code = CodeBytes({0xc0002573, 0xc01025f3, 0xc0202673, 0x00100073});
  std::memcpy(memory.at(kCodeBase), code.data(), code.size());
  BufferCodeSource source(0, {memory.base(), kGuestSize});
  TranslateResult result = TranslateBlock(source, kCodeBase);
  ASSERT_TRUE(result.tb.has_value());
  auto env = std::make_unique<GuestEnv>();
  env->guest_base = reinterpret_cast<uint64_t>(memory.base());
  rv::FillHelperTable(env->helpers);
  auto now = [] {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
  };
  const uint64_t before = now();
  absl::StatusOr<TbExitKind> exit = RunnerFromEnvironment()(*result.tb, *env);
  const uint64_t after = now();
  ASSERT_TRUE(exit.ok()) << exit.status();
  EXPECT_EQ(env->pending_exception, 2u);  // the ebreak
  for (int r : {10, 11, 12}) {
    EXPECT_GE(env->cpu.x[r], before) << "x" << r;
    EXPECT_LE(env->cpu.x[r], after) << "x" << r;
  }
  EXPECT_LE(env->cpu.x[10], env->cpu.x[11]);
  EXPECT_LE(env->cpu.x[11], env->cpu.x[12]);
}

}  // namespace
}  // namespace dbt::frontend::riscv::testing
