#include "common/riscv/helpers.h"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <thread>

namespace dbt::riscv {
namespace {

// A GuestEnv over a 64-byte "guest memory" array: guest address A is mem[A].
class HelpersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = std::make_unique<GuestEnv>();
    std::memset(mem_, 0, sizeof(mem_));
    env_->guest_base = reinterpret_cast<uint64_t>(mem_);
  }
  uint32_t Mem32(uint64_t a) {
    uint32_t v;
    std::memcpy(&v, mem_ + a, 4);
    return v;
  }
  uint64_t Mem64(uint64_t a) {
    uint64_t v;
    std::memcpy(&v, mem_ + a, 8);
    return v;
  }
  void Set32(uint64_t a, uint32_t v) { std::memcpy(mem_ + a, &v, 4); }
  void Set64(uint64_t a, uint64_t v) { std::memcpy(mem_ + a, &v, 8); }

  std::unique_ptr<GuestEnv> env_;
  alignas(8) uint8_t mem_[64];
};

TEST_F(HelpersTest, TableHoldsEveryHelperInEnumOrder) {
  auto helpers = std::make_unique<uint64_t[]>(kMaxHelpers);
  std::memset(helpers.get(), 0xab, sizeof(uint64_t) * kMaxHelpers);
  FillHelperTable(helpers.get());
  EXPECT_EQ(helpers[static_cast<int>(HelperId::kFaddS)], reinterpret_cast<uint64_t>(&FaddS));
  EXPECT_EQ(helpers[static_cast<int>(HelperId::kFmvDX)], reinterpret_cast<uint64_t>(&FmvDX));
  EXPECT_EQ(helpers[static_cast<int>(HelperId::kAmoaddW)],
            reinterpret_cast<uint64_t>(&HelperAmoaddW));
  EXPECT_EQ(helpers[static_cast<int>(HelperId::kReadInstret)],
            reinterpret_cast<uint64_t>(&HelperReadInstret));
  for (int i = 0; i < kNumHelpers; ++i) EXPECT_NE(helpers[i], 0u) << HelperName(HelperId(i));
  for (int i = kNumHelpers; i < kMaxHelpers; ++i) EXPECT_EQ(helpers[i], 0u) << i;
  // FP ops come first, in fpu.h's order: FaddS is helper 0.
  EXPECT_EQ(static_cast<int>(HelperId::kFaddS), 0);
  EXPECT_STREQ(HelperName(HelperId::kFcvtWuD), "FcvtWuD");
  EXPECT_STREQ(HelperName(HelperId::kScD), "ScD");
}

TEST_F(HelpersTest, Flags) {
  // Rounding/flag-raising FP ops write fflags: not deletable.
  EXPECT_EQ(HelperFlags(HelperId::kFaddD), kHelperNoReadGlobals | kHelperNoWriteGlobals);
  EXPECT_EQ(HelperFlags(HelperId::kFeqS), kHelperNoReadGlobals | kHelperNoWriteGlobals);
  EXPECT_EQ(HelperFlags(HelperId::kFclassD),
            kHelperNoReadGlobals | kHelperNoWriteGlobals | kHelperNoSideEffects);
  // Memory helpers need the globals written back (a fault must see them).
  EXPECT_EQ(HelperFlags(HelperId::kAmoswapD) & kHelperNoReadGlobals, 0u);
  EXPECT_EQ(HelperFlags(HelperId::kScW) & kHelperNoSideEffects, 0u);
  EXPECT_EQ(HelperFlags(HelperId::kReadCycle) & kHelperNoSideEffects, 0u);
}

// Expected values: the A extension's definition (old value to rd,
// sign-extended for .W; memory gets op(old, rs2)).
TEST_F(HelpersTest, AmoW) {
  Set32(8, 0x80000001u);
  EXPECT_EQ(HelperAmoaddW(env_.get(), 8, 0xffffffffu), 0xffffffff80000001ull);
  EXPECT_EQ(Mem32(8), 0x80000000u);
  EXPECT_EQ(HelperAmoswapW(env_.get(), 8, 0x1234567812345678ull), 0xffffffff80000000ull);
  EXPECT_EQ(Mem32(8), 0x12345678u);
  EXPECT_EQ(Mem32(12), 0u);  // .W touches 4 bytes only
  EXPECT_EQ(HelperAmoxorW(env_.get(), 8, 0xff), 0x12345678u);
  EXPECT_EQ(Mem32(8), 0x12345687u);
  EXPECT_EQ(HelperAmoandW(env_.get(), 8, 0xf0f0f0f0), 0x12345687u);
  EXPECT_EQ(Mem32(8), 0x10305080u);
  EXPECT_EQ(HelperAmoorW(env_.get(), 8, 0x0f), 0x10305080u);
  EXPECT_EQ(Mem32(8), 0x1030508fu);
  // Signed: -1 < 0x1030508f; unsigned: 0xffffffff > it.
  EXPECT_EQ(HelperAmominW(env_.get(), 8, 0xffffffffu), 0x1030508fu);
  EXPECT_EQ(Mem32(8), 0xffffffffu);
  EXPECT_EQ(HelperAmomaxW(env_.get(), 8, 5), 0xffffffffffffffffull);
  EXPECT_EQ(Mem32(8), 5u);
  EXPECT_EQ(HelperAmomaxuW(env_.get(), 8, 0x80000000u), 5u);
  EXPECT_EQ(Mem32(8), 0x80000000u);
  EXPECT_EQ(HelperAmominuW(env_.get(), 8, 7), 0xffffffff80000000ull);
  EXPECT_EQ(Mem32(8), 7u);
  // The upper 32 bits of rs2 play no part in the .W comparison: 0x1_00000000
  // is 0 as a 32-bit value, smaller than 7.
  EXPECT_EQ(HelperAmominuW(env_.get(), 8, 0x100000000ull), 7u);
  EXPECT_EQ(Mem32(8), 0u);
}

TEST_F(HelpersTest, AmoD) {
  Set64(16, 0x8000000000000000ull);
  EXPECT_EQ(HelperAmoaddD(env_.get(), 16, 1), 0x8000000000000000ull);
  EXPECT_EQ(Mem64(16), 0x8000000000000001ull);
  EXPECT_EQ(HelperAmomaxD(env_.get(), 16, 0), 0x8000000000000001ull);
  EXPECT_EQ(Mem64(16), 0u);
  EXPECT_EQ(HelperAmominD(env_.get(), 16, ~0ull), 0u);
  EXPECT_EQ(Mem64(16), ~0ull);
  EXPECT_EQ(HelperAmominuD(env_.get(), 16, 3), ~0ull);
  EXPECT_EQ(Mem64(16), 3u);
  EXPECT_EQ(HelperAmomaxuD(env_.get(), 16, 2), 3u);
  EXPECT_EQ(Mem64(16), 3u);
  EXPECT_EQ(HelperAmoswapD(env_.get(), 16, 0xdeadbeefcafef00dull), 3u);
  EXPECT_EQ(HelperAmoxorD(env_.get(), 16, 0xffffffff00000000ull), 0xdeadbeefcafef00dull);
  EXPECT_EQ(Mem64(16), 0x21524110cafef00dull);
  EXPECT_EQ(HelperAmoandD(env_.get(), 16, 0xffff), 0x21524110cafef00dull);
  EXPECT_EQ(HelperAmoorD(env_.get(), 16, 0xf0000), 0xf00dull);
  EXPECT_EQ(Mem64(16), 0xff00dull);
}

TEST_F(HelpersTest, LrScSucceedsOnceOnItsAddress) {
  Set32(4, 0xfffffffeu);
  EXPECT_EQ(HelperLrW(env_.get(), 4), 0xfffffffffffffffeull);
  EXPECT_EQ(env_->cpu.reservation_addr, 4u);
  EXPECT_EQ(env_->cpu.reservation_value, 0xfffffffeu);  // as in memory, not sign-extended
  EXPECT_EQ(HelperScW(env_.get(), 4, 42), 0u);
  EXPECT_EQ(Mem32(4), 42u);
  // The reservation is gone: a second sc fails and stores nothing.
  EXPECT_EQ(env_->cpu.reservation_addr, ~uint64_t{0});
  EXPECT_EQ(HelperScW(env_.get(), 4, 43), 1u);
  EXPECT_EQ(Mem32(4), 42u);
}

TEST_F(HelpersTest, ScFailsOnOtherAddressOrChangedMemory) {
  Set64(8, 100);
  EXPECT_EQ(HelperLrD(env_.get(), 8), 100u);
  EXPECT_EQ(HelperScD(env_.get(), 16, 7), 1u);  // other address
  EXPECT_EQ(Mem64(16), 0u);
  EXPECT_EQ(HelperScD(env_.get(), 8, 7), 1u);  // reservation cleared by the failed sc
  EXPECT_EQ(Mem64(8), 100u);
  EXPECT_EQ(HelperLrD(env_.get(), 8), 100u);
  Set64(8, 101);  // another hart's store
  EXPECT_EQ(HelperScD(env_.get(), 8, 7), 1u);
  EXPECT_EQ(Mem64(8), 101u);
}

TEST_F(HelpersTest, AmoAddIsAtomicAcrossThreads) {
  constexpr int kPerThread = 200000;
  auto work = [&] {
    for (int i = 0; i < kPerThread; ++i) {
      HelperAmoaddD(env_.get(), 24, 1);
      HelperAmomaxuW(env_.get(), 32, static_cast<uint64_t>(i));
    }
  };
  std::thread a(work), b(work);
  a.join();
  b.join();
  EXPECT_EQ(Mem64(24), 2u * kPerThread);
  EXPECT_EQ(Mem32(32), static_cast<uint32_t>(kPerThread - 1));
}

TEST_F(HelpersTest, CountersAdvance) {
  uint64_t c0 = HelperReadCycle(env_.get());
  uint64_t t0 = HelperReadTime(env_.get());
  uint64_t i0 = HelperReadInstret(env_.get());
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  EXPECT_GT(HelperReadCycle(env_.get()), c0);
  EXPECT_GT(HelperReadTime(env_.get()), t0 + 1000000);  // >= 1 ms later, in ns
  EXPECT_GT(HelperReadInstret(env_.get()), i0);
}

}  // namespace
}  // namespace dbt::riscv
