#include "bench/chaining/chain_ring.h"

#include "common/codegen/jump_patch.h"
#include "gtest/gtest.h"

namespace dbt::bench {
namespace {

class ChainRingTest : public ::testing::TestWithParam<ChainKind> {};

constexpr int kBlocks = 7;
constexpr uint64_t kLapSum = kBlocks * (kBlocks + 1) / 2;  // block i adds i + 1

TEST_P(ChainRingTest, EveryBlockRunsOncePerLapLinkedOrNot) {
  auto ring = ChainRing::Build(GetParam(), kBlocks);
  ASSERT_TRUE(ring.ok()) << ring.status();
  RingState state;
  EXPECT_EQ((*ring)->Run(state, 3), 3u * kBlocks);  // unlinked: every exit returns
  EXPECT_EQ(state.guest_reg, 3 * kLapSum);
  EXPECT_EQ(state.laps_left, 0u);

  (*ring)->LinkAll();
  const uint64_t linked_returns = GetParam() == ChainKind::kDispatcher ? 5u * kBlocks : 1u;
  EXPECT_EQ((*ring)->Run(state, 5), linked_returns);
  EXPECT_EQ(state.guest_reg, 8 * kLapSum);

  (*ring)->UnlinkAll();
  EXPECT_EQ((*ring)->Run(state, 2), 2u * kBlocks);
  EXPECT_EQ(state.guest_reg, 10 * kLapSum);
}

TEST(ChainRingLinkTest, OneLinkSavesOneReturnPerLap) {
  for (ChainKind kind : {ChainKind::kDirect, ChainKind::kIndirect}) {
    auto ring = ChainRing::Build(kind, kBlocks);
    ASSERT_TRUE(ring.ok()) << ring.status();
    (*ring)->Link(2);
    RingState state;
    EXPECT_EQ((*ring)->Run(state, 4), 4u * (kBlocks - 1)) << ChainKindName(kind);
    EXPECT_EQ(state.guest_reg, 4 * kLapSum) << ChainKindName(kind);
  }
}

TEST_P(ChainRingTest, AnExitRequestStopsAtTheFirstBlock) {
  auto ring = ChainRing::Build(GetParam(), kBlocks);
  ASSERT_TRUE(ring.ok()) << ring.status();
  (*ring)->LinkAll();
  RingState state;
  state.exit_request = 1;
  EXPECT_EQ((*ring)->Run(state, 4), 1u);
  EXPECT_EQ(state.guest_reg, 0u);
}

INSTANTIATE_TEST_SUITE_P(Kinds, ChainRingTest,
                         ::testing::Values(ChainKind::kDirect, ChainKind::kIndirect,
                                           ChainKind::kDispatcher));

TEST(ChainRingDirectTest, PatchesGoThroughTheAliasAndReadBackFromTheCode) {
  auto ring = ChainRing::Build(ChainKind::kDirect, kBlocks);
  ASSERT_TRUE(ring.ok()) << ring.status();
  const ChainRing& r = **ring;
  EXPECT_EQ(codegen::JumpTarget(r.buffer(), r.jump_field(3)), r.jump_field(3) + 4);
  (*ring)->Link(3);
  EXPECT_EQ(codegen::JumpTarget(r.buffer(), r.jump_field(3)), r.entry(4));
  (*ring)->Link(kBlocks - 1);
  EXPECT_EQ(codegen::JumpTarget(r.buffer(), r.jump_field(kBlocks - 1)), r.entry(0));
}

TEST(ChainRingBuildTest, RefusesImpossibleSizes) {
  EXPECT_FALSE(ChainRing::Build(ChainKind::kDirect, 0).ok());
  EXPECT_FALSE(ChainRing::Build(ChainKind::kDirect, 5000).ok());
}

}  // namespace
}  // namespace dbt::bench
