#include "services/executor/runtime/initial_stack.h"

#include <elf.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>

#include "gtest/gtest.h"

namespace dbt::executor {
namespace {

class InitialStackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto m = GuestMemory::Create();
    ASSERT_TRUE(m.ok());
    mem_ = std::move(*m);
    image_.entry = 0x105c0;
    image_.phdr_addr = 0x10040;
    image_.phent = 56;
    image_.phnum = 7;
  }
  uint64_t Word(uint64_t addr) {
    uint64_t v;
    memcpy(&v, mem_->Host(addr), 8);
    return v;
  }
  std::string Str(uint64_t addr) { return reinterpret_cast<const char*>(mem_->Host(addr)); }

  std::unique_ptr<GuestMemory> mem_;
  LoadedImage image_;
};

// Hand computation of Linux's layout for execfn "./auxv", argv {"./auxv",
// "x"}, envp {"A=1"} under a stack top T (what qemu-riscv64 printed for the
// same program with T = 0x4000801000: argv at T-0x168, execfn at T-0xf):
//   execfn:  T-8-7   = T-0xf       envp[0]: T-0xf-4  = T-0x13
//   argv[1]: T-0x13-2 = T-0x15     argv[0]: T-0x15-7 = T-0x1c
//   align 16: T-0x20; AT_RANDOM: T-0x30
//   words: argc + 2 argv + NULL + 1 envp + NULL + 16 auxv pairs + AT_NULL
//          pair = 40 words = 0x140 bytes: sp = T-0x30-0x140 = T-0x170.
TEST_F(InitialStackTest, LayoutMatchesLinux) {
  StackSpec spec;
  spec.argv = {"./auxv", "x"};
  spec.envp = {"A=1"};
  spec.execfn = "./auxv";
  for (int i = 0; i < 16; ++i) spec.random[i] = 0xa0 + i;
  auto st = BuildInitialStack(*mem_, image_, spec);
  ASSERT_TRUE(st.ok()) << st.status();
  const uint64_t t = kStackTop;
  EXPECT_EQ(st->sp, t - 0x170);
  EXPECT_EQ(st->sp % 16, 0u);
  EXPECT_EQ(st->execfn, t - 0xf);
  EXPECT_EQ(st->random, t - 0x30);
  EXPECT_EQ(st->stack_low, kStackTop - kDefaultStackSize);
  EXPECT_EQ(mem_->vmas().Find(st->sp)->name, "[stack]");
  EXPECT_TRUE(mem_->CanWrite(st->stack_low, kDefaultStackSize));
  EXPECT_FALSE(mem_->IsExecutable(st->sp));

  uint64_t sp = st->sp;
  EXPECT_EQ(Word(sp), 2u);  // argc
  EXPECT_EQ(Word(sp + 8), t - 0x1c);
  EXPECT_EQ(Str(Word(sp + 8)), "./auxv");
  EXPECT_EQ(Word(sp + 16), t - 0x15);
  EXPECT_EQ(Str(Word(sp + 16)), "x");
  EXPECT_EQ(Word(sp + 24), 0u);
  EXPECT_EQ(Word(sp + 32), t - 0x13);
  EXPECT_EQ(Str(Word(sp + 32)), "A=1");
  EXPECT_EQ(Word(sp + 40), 0u);
  EXPECT_EQ(st->argv, sp + 8);
  EXPECT_EQ(st->envp, sp + 32);
  EXPECT_EQ(st->auxv, sp + 48);
  // The auxv qemu-riscv64 gives, in its order.
  const std::vector<std::pair<uint64_t, uint64_t>> expected = {
      {AT_PHDR, 0x10040},   {AT_PHENT, 56},        {AT_PHNUM, 7},        {AT_PAGESZ, 4096},
      {AT_BASE, 0},         {AT_FLAGS, 0},         {AT_ENTRY, 0x105c0},  {AT_UID, getuid()},
      {AT_EUID, geteuid()}, {AT_GID, getgid()},    {AT_EGID, getegid()}, {AT_HWCAP, 0x112d},
      {AT_CLKTCK, 100},     {AT_RANDOM, t - 0x30}, {AT_SECURE, 0},       {AT_EXECFN, t - 0xf},
      {AT_NULL, 0}};
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(Word(st->auxv + 16 * i), expected[i].first) << i;
    EXPECT_EQ(Word(st->auxv + 16 * i + 8), expected[i].second) << i;
  }
  EXPECT_EQ(Str(t - 0xf), "./auxv");
  EXPECT_EQ(memcmp(mem_->Host(st->random), spec.random.data(), 16), 0);
  EXPECT_EQ(Word(t - 8), 0u);
}

TEST_F(InitialStackTest, HwcapIsImafdc) {
  // 'A'=0, 'C'=2, 'D'=3, 'F'=5, 'I'=8, 'M'=12.
  EXPECT_EQ(kRiscvHwcap, (1u << 0) | (1u << 2) | (1u << 3) | (1u << 5) | (1u << 8) | (1u << 12));
}

TEST_F(InitialStackTest, ExecutableStackWhenAsked) {
  image_.exec_stack = true;
  StackSpec spec;
  spec.argv = {"p"};
  spec.execfn = "p";
  auto st = BuildInitialStack(*mem_, image_, spec);
  ASSERT_TRUE(st.ok());
  EXPECT_TRUE(mem_->IsExecutable(st->sp));
}

TEST_F(InitialStackTest, EmptyArgvAndAlignmentForOddCounts) {
  StackSpec spec;
  spec.execfn = "p";
  for (int n = 0; n < 4; ++n) {
    auto m = GuestMemory::Create();
    ASSERT_TRUE(m.ok());
    spec.envp.assign(n, "X=y");
    auto st = BuildInitialStack(**m, image_, spec);
    ASSERT_TRUE(st.ok());
    EXPECT_EQ(st->sp % 16, 0u);
    uint64_t argc;
    memcpy(&argc, (*m)->Host(st->sp), 8);
    EXPECT_EQ(argc, 0u);
  }
}

TEST_F(InitialStackTest, HugeArgumentListIsE2big) {
  StackSpec spec;
  spec.execfn = "p";
  spec.stack_size = 64 * 1024;
  spec.argv = {std::string(20000, 'a')};
  auto st = BuildInitialStack(*mem_, image_, spec);
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(st.status().message(), "argument list too long");
}

}  // namespace
}  // namespace dbt::executor
