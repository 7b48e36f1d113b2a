#include "common/shm/shared_region.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <string>

#include <gtest/gtest.h>

namespace dbt::shm {
namespace {

constexpr uint32_t kKind = 0x54534554;  // "TEST"
constexpr uint32_t kKindVersion = 7;

SharedRegion MustCreate(uint64_t payload_size) {
  absl::StatusOr<SharedRegion> region =
      SharedRegion::Create("region-test", kKind, kKindVersion, payload_size);
  EXPECT_TRUE(region.ok()) << region.status();
  return std::move(*region);
}

absl::StatusOr<SharedRegion> AttachDup(const SharedRegion& region) {
  absl::StatusOr<UniqueFd> fd = region.DupFd();
  if (!fd.ok()) return fd.status();
  return SharedRegion::Attach(std::move(*fd), kKind, kKindVersion);
}

TEST(SharedRegionTest, CreateWritesTheHeader) {
  SharedRegion region = MustCreate(10000);
  RegionHeader header;
  memcpy(&header, region.base(), sizeof(header));
  EXPECT_EQ(header.magic, kRegionMagic);
  EXPECT_EQ(header.header_version, kRegionHeaderVersion);
  EXPECT_EQ(header.header_size, sizeof(RegionHeader));
  EXPECT_EQ(header.kind, kKind);
  EXPECT_EQ(header.kind_version, kKindVersion);
  // 4096 + 10000 = 14096 rounded up to pages: 16384.
  EXPECT_EQ(header.region_size, 16384u);
  EXPECT_EQ(region.size(), 16384u);
  EXPECT_EQ(header.payload_offset, 4096u);
  EXPECT_EQ(header.payload_size, 10000u);
  EXPECT_EQ(region.payload_size(), 10000u);
  EXPECT_EQ(header.creator_pid, static_cast<uint32_t>(getpid()));
  EXPECT_EQ(region.payload(), region.base() + 4096);
  for (uint64_t i = 0; i < region.payload_size(); ++i) ASSERT_EQ(region.payload()[i], 0);
}

TEST(SharedRegionTest, TheMemfdIsSealedAgainstResizing) {
  SharedRegion region = MustCreate(4096);
  int seals = fcntl(region.fd(), F_GET_SEALS);
  EXPECT_EQ(seals & (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL),
            F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL);
  EXPECT_NE(ftruncate(region.fd(), 4096), 0);
  EXPECT_EQ(errno, EPERM);
  EXPECT_NE(ftruncate(region.fd(), 1 << 20), 0);
  EXPECT_EQ(errno, EPERM);
  // F_SEAL_SEAL: no seal can be added any more (e.g. F_SEAL_WRITE).
  EXPECT_NE(fcntl(region.fd(), F_ADD_SEALS, F_SEAL_WRITE), 0);
}

TEST(SharedRegionTest, NameShowsInMaps) {
  SharedRegion region = MustCreate(100);
  std::ifstream maps("/proc/self/maps");
  std::string line;
  bool found = false;
  while (std::getline(maps, line)) {
    if (line.find("memfd:dbt-shm:region-test") != std::string::npos) found = true;
  }
  EXPECT_TRUE(found);
}

TEST(SharedRegionTest, AttachMapsTheSameBytesElsewhere) {
  SharedRegion region = MustCreate(8192);
  absl::StatusOr<SharedRegion> other = AttachDup(region);
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_NE(other->base(), region.base());
  EXPECT_EQ(other->size(), region.size());
  EXPECT_EQ(other->payload_size(), 8192u);
  EXPECT_EQ(other->kind(), kKind);
  region.payload()[100] = 0xab;
  EXPECT_EQ(other->payload()[100], 0xab);
  other->payload()[8191] = 0xcd;
  EXPECT_EQ(region.payload()[8191], 0xcd);
}

TEST(SharedRegionTest, CreateRejectsBadSizes) {
  EXPECT_TRUE(absl::IsInvalidArgument(SharedRegion::Create("x", kKind, 1, 0).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(
      SharedRegion::Create("x", kKind, 1, kMaxRegionSize - kRegionPayloadOffset + 1).status()));
}

TEST(SharedRegionTest, AttachRejectsAnotherKindOrVersion) {
  SharedRegion region = MustCreate(100);
  absl::StatusOr<UniqueFd> fd = region.DupFd();
  ASSERT_TRUE(fd.ok());
  EXPECT_TRUE(absl::IsInvalidArgument(
      SharedRegion::Attach(std::move(*fd), kKind + 1, kKindVersion).status()));
  fd = region.DupFd();
  ASSERT_TRUE(fd.ok());
  EXPECT_TRUE(absl::IsInvalidArgument(
      SharedRegion::Attach(std::move(*fd), kKind, kKindVersion + 1).status()));
}

// One corruption of the header, as a hostile creator could write it.
struct HeaderCorruption {
  const char* name;
  std::function<void(RegionHeader&)> corrupt;
};

class SharedRegionHeaderTest : public ::testing::TestWithParam<HeaderCorruption> {};

TEST_P(SharedRegionHeaderTest, AttachRejectsIt) {
  SharedRegion region = MustCreate(8192);  // region_size 12288
  RegionHeader header;
  memcpy(&header, region.base(), sizeof(header));
  GetParam().corrupt(header);
  memcpy(region.base(), &header, sizeof(header));
  absl::StatusOr<SharedRegion> other = AttachDup(region);
  EXPECT_TRUE(absl::IsInvalidArgument(other.status())) << other.status();
}

INSTANTIATE_TEST_SUITE_P(
    EachField, SharedRegionHeaderTest,
    ::testing::Values(
        HeaderCorruption{"Magic", [](RegionHeader& h) { h.magic ^= 1; }},
        HeaderCorruption{"HeaderVersion", [](RegionHeader& h) { h.header_version = 2; }},
        HeaderCorruption{"HeaderSize", [](RegionHeader& h) { h.header_size = 64; }},
        HeaderCorruption{"Kind", [](RegionHeader& h) { h.kind = 0; }},
        HeaderCorruption{"KindVersion", [](RegionHeader& h) { h.kind_version = 0; }},
        HeaderCorruption{"RegionSizeSmaller", [](RegionHeader& h) { h.region_size = 8192; }},
        HeaderCorruption{"RegionSizeLarger", [](RegionHeader& h) { h.region_size = 1 << 20; }},
        HeaderCorruption{"PayloadOffset", [](RegionHeader& h) { h.payload_offset = 64; }},
        HeaderCorruption{"PayloadOffsetHuge",
                         [](RegionHeader& h) { h.payload_offset = ~uint64_t{0} - 100; }},
        HeaderCorruption{"PayloadSizeZero", [](RegionHeader& h) { h.payload_size = 0; }},
        // 12288 - 4096 = 8192 bytes fit; one more does not.
        HeaderCorruption{"PayloadSizePastTheEnd", [](RegionHeader& h) { h.payload_size = 8193; }},
        HeaderCorruption{"PayloadSizeWraps",
                         [](RegionHeader& h) { h.payload_size = ~uint64_t{0} - 4000; }}),
    [](const ::testing::TestParamInfo<HeaderCorruption>& info) { return info.param.name; });

TEST(SharedRegionTest, PayloadSizeExactlyToTheEndIsAccepted) {
  SharedRegion region = MustCreate(8192);
  RegionHeader header;
  memcpy(&header, region.base(), sizeof(header));
  header.payload_size = region.size() - kRegionPayloadOffset;
  memcpy(region.base(), &header, sizeof(header));
  absl::StatusOr<SharedRegion> other = AttachDup(region);
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_EQ(other->payload_size(), region.size() - kRegionPayloadOffset);
}

TEST(SharedRegionTest, AttachCopiesTheHeaderOnce) {
  SharedRegion region = MustCreate(8192);
  absl::StatusOr<SharedRegion> other = AttachDup(region);
  ASSERT_TRUE(other.ok());
  // Rewriting the header afterwards changes nothing for the attached side.
  RegionHeader header;
  memcpy(&header, region.base(), sizeof(header));
  header.payload_size = ~uint64_t{0};
  memcpy(region.base(), &header, sizeof(header));
  EXPECT_EQ(other->payload_size(), 8192u);
  EXPECT_FALSE(other->PayloadSpan(8000, 193).ok());
}

// A memfd with a valid-looking header written into it but other seals.
UniqueFd MemfdWithHeader(unsigned int flags, int seals, uint64_t size) {
  UniqueFd fd(memfd_create("fake", MFD_CLOEXEC | flags));
  EXPECT_TRUE(fd.valid());
  EXPECT_EQ(ftruncate(fd.get(), static_cast<off_t>(size)), 0);
  RegionHeader header{
      kRegionMagic, kRegionHeaderVersion, sizeof(RegionHeader),        kKind, kKindVersion,
      size,         kRegionPayloadOffset, size - kRegionPayloadOffset, 0,     0};
  EXPECT_EQ(pwrite(fd.get(), &header, sizeof(header), 0), static_cast<ssize_t>(sizeof(header)));
  if (seals != 0) {
    EXPECT_EQ(fcntl(fd.get(), F_ADD_SEALS, seals), 0);
  }
  return fd;
}

TEST(SharedRegionTest, AttachAcceptsAForeignMemfdSealedLikeOurs) {
  // The control for the tests below: only the seals differ.
  UniqueFd fd = MemfdWithHeader(MFD_ALLOW_SEALING, F_SEAL_SHRINK | F_SEAL_GROW, 8192);
  EXPECT_TRUE(SharedRegion::Attach(std::move(fd), kKind, kKindVersion).ok());
}

TEST(SharedRegionTest, AttachRejectsAnUnsealedMemfd) {
  // The other side could shrink it under our mapping: SIGBUS on access.
  UniqueFd fd = MemfdWithHeader(MFD_ALLOW_SEALING, 0, 8192);
  EXPECT_TRUE(
      absl::IsInvalidArgument(SharedRegion::Attach(std::move(fd), kKind, kKindVersion).status()));
}

TEST(SharedRegionTest, AttachRejectsAMemfdThatMayStillGrow) {
  UniqueFd fd = MemfdWithHeader(MFD_ALLOW_SEALING, F_SEAL_SHRINK, 8192);
  EXPECT_TRUE(
      absl::IsInvalidArgument(SharedRegion::Attach(std::move(fd), kKind, kKindVersion).status()));
}

TEST(SharedRegionTest, AttachRejectsAMemfdWithoutSealing) {
  UniqueFd fd = MemfdWithHeader(0, 0, 8192);  // F_GET_SEALS says F_SEAL_SEAL only
  EXPECT_TRUE(
      absl::IsInvalidArgument(SharedRegion::Attach(std::move(fd), kKind, kKindVersion).status()));
}

TEST(SharedRegionTest, AttachRejectsARegularFile) {
  FILE* f = tmpfile();
  ASSERT_NE(f, nullptr);
  RegionHeader header{kRegionMagic,
                      kRegionHeaderVersion,
                      sizeof(RegionHeader),
                      kKind,
                      kKindVersion,
                      8192,
                      kRegionPayloadOffset,
                      4096,
                      0,
                      0};
  ASSERT_EQ(pwrite(fileno(f), &header, sizeof(header), 0), static_cast<ssize_t>(sizeof(header)));
  ASSERT_EQ(ftruncate(fileno(f), 8192), 0);
  UniqueFd fd(dup(fileno(f)));
  fclose(f);
  EXPECT_TRUE(
      absl::IsInvalidArgument(SharedRegion::Attach(std::move(fd), kKind, kKindVersion).status()));
}

TEST(SharedRegionTest, AttachRejectsAPipeAndNoFd) {
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  close(p[1]);
  EXPECT_TRUE(
      absl::IsInvalidArgument(SharedRegion::Attach(UniqueFd(p[0]), kKind, kKindVersion).status()));
  EXPECT_TRUE(
      absl::IsInvalidArgument(SharedRegion::Attach(UniqueFd(), kKind, kKindVersion).status()));
}

TEST(SharedRegionTest, AttachRejectsAMemfdSmallerThanAHeaderPage) {
  UniqueFd fd(memfd_create("tiny", MFD_CLOEXEC | MFD_ALLOW_SEALING));
  ASSERT_EQ(ftruncate(fd.get(), 100), 0);
  ASSERT_EQ(fcntl(fd.get(), F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW), 0);
  EXPECT_TRUE(
      absl::IsInvalidArgument(SharedRegion::Attach(std::move(fd), kKind, kKindVersion).status()));
}

TEST(SharedRegionTest, PayloadSpanChecksBounds) {
  SharedRegion region = MustCreate(1000);
  absl::StatusOr<absl::Span<uint8_t>> whole = region.PayloadSpan(0, 1000);
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(whole->data(), region.payload());
  EXPECT_EQ(whole->size(), 1000u);
  EXPECT_TRUE(region.PayloadSpan(1000, 0).ok());
  EXPECT_TRUE(absl::IsOutOfRange(region.PayloadSpan(1, 1000).status()));
  EXPECT_TRUE(absl::IsOutOfRange(region.PayloadSpan(1001, 0).status()));
  EXPECT_TRUE(absl::IsOutOfRange(region.PayloadSpan(~uint64_t{0}, 2).status()));
  EXPECT_TRUE(absl::IsOutOfRange(region.PayloadSpan(2, ~uint64_t{0}).status()));
}

TEST(SharedRegionTest, MoveKeepsOneMapping) {
  SharedRegion a = MustCreate(100);
  uint8_t* base = a.base();
  SharedRegion b = std::move(a);
  EXPECT_EQ(b.base(), base);
  EXPECT_EQ(a.base(), nullptr);
  EXPECT_EQ(a.fd(), -1);
  b.payload()[0] = 1;  // still mapped
  SharedRegion c = MustCreate(100);
  c = std::move(b);
  EXPECT_EQ(c.base(), base);
}

}  // namespace
}  // namespace dbt::shm
