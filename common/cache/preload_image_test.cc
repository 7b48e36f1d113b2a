#include "common/cache/preload_image.h"

#include <cstring>
#include <vector>

#include "gtest/gtest.h"

namespace dbt::cache {
namespace {

ProgramKey Program() {
  ProgramKey p;
  p.abi = 7;
  p.build = 0x1234;
  p.flags = 0;
  p.file_hash = ContentHash{5, 6};
  return p;
}

// A well-formed entry of Program() at pc (see tb_entry_test.cc).
TbEntry EntryAt(uint64_t pc) {
  TbEntry e;
  e.key.abi = 7;
  e.key.build = 0x1234;
  e.key.pc = pc;
  e.key.guest_size = 8;
  e.key.hash = ContentHash{pc, 22};
  e.guest_insns = 2;
  e.ranges = {{pc, 8}};
  e.code.assign(40, 0x90);
  e.code[9] = 0xe9;
  const int32_t rel = 30 - (10 + 4);
  std::memcpy(e.code.data() + 10, &rel, 4);
  e.slots[0] = {true, 10, 30};
  e.pc_map = {{0, pc}, {20, pc + 4}};
  return e;
}

struct Loaded {
  absl::Status status;
  std::vector<TbEntry> entries;
  uint64_t rejected = 0;
};

Loaded Load(const std::string& image, const ProgramKey& expected = Program()) {
  Loaded out;
  out.status = ForEachPreloadEntry(
      AsBytes(image), expected, [&](TbEntry&& e) { out.entries.push_back(std::move(e)); },
      &out.rejected);
  return out;
}

std::string ImageOf(const std::vector<TbEntry>& entries, const ProgramKey& program = Program()) {
  PreloadImageWriter w(program);
  for (const TbEntry& e : entries) w.Add(e);
  return w.Finish();
}

TEST(PreloadImage, RoundTripKeepsOrderAndEveryField) {
  const std::vector<TbEntry> in = {EntryAt(0x10000), EntryAt(0x10040), EntryAt(0x20000)};
  Loaded out = Load(ImageOf(in));
  ASSERT_TRUE(out.status.ok()) << out.status;
  EXPECT_EQ(out.rejected, 0u);
  ASSERT_EQ(out.entries.size(), 3u);
  for (size_t i = 0; i < in.size(); ++i) {
    EXPECT_EQ(out.entries[i].key, in[i].key);
    EXPECT_EQ(out.entries[i].code, in[i].code);
    EXPECT_EQ(out.entries[i].pc_map.size(), 2u);
  }
}

TEST(PreloadImage, EmptyImageLoadsNothing) {
  Loaded out = Load(ImageOf({}));
  EXPECT_TRUE(out.status.ok());
  EXPECT_TRUE(out.entries.empty());
}

TEST(PreloadImage, AnotherProgramsImageIsRefused) {
  ProgramKey other = Program();
  other.file_hash.hi ^= 1;
  Loaded out = Load(ImageOf({EntryAt(0x10000)}), other);
  EXPECT_EQ(out.status.code(), absl::StatusCode::kDataLoss);
  EXPECT_TRUE(out.entries.empty());
  ProgramKey newer_build = Program();
  newer_build.build = 0x9999;
  EXPECT_EQ(Load(ImageOf({EntryAt(0x10000)}), newer_build).status.code(),
            absl::StatusCode::kDataLoss);
}

TEST(PreloadImage, BadHeaderIsRefused) {
  std::string image = ImageOf({EntryAt(0x10000)});
  for (size_t at : {size_t{0}, size_t{4}, size_t{8}}) {
    std::string bad = image;
    bad[at] ^= 0x40;
    EXPECT_EQ(Load(bad).status.code(), absl::StatusCode::kDataLoss) << "byte " << at;
  }
  EXPECT_EQ(Load(image.substr(0, 20)).status.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(Load("").status.code(), absl::StatusCode::kDataLoss);
}

TEST(PreloadImage, DamagedEntryIsSkippedAndCountedTheRestLoad) {
  std::string image = ImageOf({EntryAt(0x10000), EntryAt(0x10040), EntryAt(0x20000)});
  const std::string one = EncodeTbEntry(EntryAt(0x10000));
  // A byte of the second entry's code (header, first entry, its length).
  const size_t second = 8 + kProgramKeyBytes + 4 + 4 + one.size() + 4;
  image[second + 100] ^= 1;
  Loaded out = Load(image);
  ASSERT_TRUE(out.status.ok());
  EXPECT_EQ(out.rejected, 1u);
  ASSERT_EQ(out.entries.size(), 2u);
  EXPECT_EQ(out.entries[0].key.pc, 0x10000u);
  EXPECT_EQ(out.entries[1].key.pc, 0x20000u);
}

TEST(PreloadImage, EntryOfAnotherBuildIsSkipped) {
  TbEntry foreign = EntryAt(0x10040);
  foreign.key.build = 0x9999;
  Loaded out = Load(ImageOf({EntryAt(0x10000), foreign}));
  ASSERT_TRUE(out.status.ok());
  EXPECT_EQ(out.rejected, 1u);
  EXPECT_EQ(out.entries.size(), 1u);
}

TEST(PreloadImage, TruncatedImageLoadsWhatIsWholeAndCountsTheRest) {
  const std::string image = ImageOf({EntryAt(0x10000), EntryAt(0x10040), EntryAt(0x20000)});
  Loaded out = Load(image.substr(0, image.size() - 10));
  ASSERT_TRUE(out.status.ok());
  EXPECT_EQ(out.entries.size(), 2u);
  EXPECT_EQ(out.rejected, 1u);
}

TEST(PreloadImage, AHugeCountIsRefusedNotAllocated) {
  std::string image = ImageOf({EntryAt(0x10000)});
  const uint32_t huge = 0xffffffff;
  std::memcpy(image.data() + 8 + kProgramKeyBytes, &huge, 4);
  EXPECT_EQ(Load(image).status.code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace dbt::cache
