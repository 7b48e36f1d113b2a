#include "services/translator/data_plane/data_plane_stats.h"

#include <gtest/gtest.h>

namespace dbt::translator {
namespace {

TEST(DataPlaneStatsTest, EmptyHasNoLatency) {
  DataPlaneStats stats;
  DataPlaneSnapshot s = stats.Snapshot();
  EXPECT_EQ(s.latency_p50_ns, 0u);
  EXPECT_EQ(s.latency_p99_ns, 0u);
  EXPECT_EQ(s.requests, 0u);
}

// Nearest rank: the p-th percentile of n samples is the ceil(n*p/100)-th
// smallest. For 1..100 (recorded in reverse, so order does not help) that is
// 50 and 99.
TEST(DataPlaneStatsTest, PercentilesAreNearestRank) {
  DataPlaneStats stats;
  for (uint64_t v = 100; v >= 1; --v) stats.RecordLatency(v);
  DataPlaneSnapshot s = stats.Snapshot();
  EXPECT_EQ(s.latency_p50_ns, 50u);
  EXPECT_EQ(s.latency_p99_ns, 99u);
}

// A single sample is every percentile.
TEST(DataPlaneStatsTest, OneSample) {
  DataPlaneStats stats;
  stats.RecordLatency(7);
  EXPECT_EQ(stats.Snapshot().latency_p50_ns, 7u);
  EXPECT_EQ(stats.Snapshot().latency_p99_ns, 7u);
}

// Only the last 4096 samples count: after 4096 of 1000 ns and 2048 of 5 ns
// the window holds 2048 of each; rank ceil(4096/2) = 2048 is the last 5, rank
// ceil(4096*0.99) = 4056 is a 1000.
TEST(DataPlaneStatsTest, WindowKeepsTheLast4096) {
  DataPlaneStats stats;
  for (int i = 0; i < 4096; ++i) stats.RecordLatency(1000);
  for (int i = 0; i < 2048; ++i) stats.RecordLatency(5);
  DataPlaneSnapshot s = stats.Snapshot();
  EXPECT_EQ(s.latency_p50_ns, 5u);
  EXPECT_EQ(s.latency_p99_ns, 1000u);
  for (int i = 0; i < 2048; ++i) stats.RecordLatency(5);
  s = stats.Snapshot();
  EXPECT_EQ(s.latency_p50_ns, 5u);
  EXPECT_EQ(s.latency_p99_ns, 5u);
}

TEST(DataPlaneStatsTest, Counters) {
  DataPlaneStats stats;
  stats.CountRequest();
  stats.CountRequest();
  stats.CountRejected();
  stats.CountTranslated(100);
  stats.CountTranslated(28);
  stats.CountFlush();
  stats.SessionAttached();
  stats.SessionAttached();
  stats.SessionDetached();
  DataPlaneSnapshot s = stats.Snapshot();
  EXPECT_EQ(s.requests, 2u);
  EXPECT_EQ(s.requests_rejected, 1u);
  EXPECT_EQ(s.tbs_translated, 2u);
  EXPECT_EQ(s.host_bytes_emitted, 128u);
  EXPECT_EQ(s.flushes, 1u);
  EXPECT_EQ(s.sessions, 1u);
  EXPECT_EQ(s.sessions_total, 2u);
}

}  // namespace
}  // namespace dbt::translator
