#include "services/executor/runtime/vma_map.h"

#include <sys/mman.h>

#include "gtest/gtest.h"

namespace dbt::executor {
namespace {

constexpr uint64_t kPage = 4096;

Vma Anon(uint64_t start, uint64_t end, int prot) {
  Vma v;
  v.start = start;
  v.end = end;
  v.prot = prot;
  return v;
}

Vma File(uint64_t start, uint64_t end, int prot, uint64_t offset, uint64_t inode) {
  Vma v = Anon(start, end, prot);
  v.anonymous = false;
  v.offset = offset;
  v.inode = inode;
  v.name = "/f";
  return v;
}

TEST(VmaMapTest, InsertAndFind) {
  VmaMap m;
  m.Insert(Anon(0x10000, 0x20000, PROT_READ));
  EXPECT_EQ(m.Find(0xffff), nullptr);
  ASSERT_NE(m.Find(0x10000), nullptr);
  EXPECT_EQ(m.Find(0x1ffff)->start, 0x10000u);
  EXPECT_EQ(m.Find(0x20000), nullptr);
}

TEST(VmaMapTest, AdjacentCompatibleAreasMerge) {
  VmaMap m;
  m.Insert(Anon(0x10000, 0x20000, PROT_READ | PROT_WRITE));
  m.Insert(Anon(0x20000, 0x30000, PROT_READ | PROT_WRITE));
  ASSERT_EQ(m.areas().size(), 1u);
  EXPECT_EQ(m.Find(0x10000)->end, 0x30000u);
  // Different protection: stays separate.
  m.Insert(Anon(0x30000, 0x31000, PROT_READ));
  EXPECT_EQ(m.areas().size(), 2u);
}

TEST(VmaMapTest, FileAreasMergeOnlyWithContiguousOffsets) {
  VmaMap m;
  m.Insert(File(0x10000, 0x12000, PROT_READ, 0, 7));
  m.Insert(File(0x12000, 0x13000, PROT_READ, 0x2000, 7));  // Contiguous: merges.
  EXPECT_EQ(m.areas().size(), 1u);
  m.Insert(File(0x13000, 0x14000, PROT_READ, 0x8000, 7));  // Offset jump: does not.
  EXPECT_EQ(m.areas().size(), 2u);
}

TEST(VmaMapTest, InsertReplacesOverlapAndSplits) {
  VmaMap m;
  m.Insert(File(0x10000, 0x20000, PROT_READ, 0x1000, 3));
  m.Insert(Anon(0x14000, 0x15000, PROT_READ | PROT_WRITE));
  ASSERT_EQ(m.areas().size(), 3u);
  const Vma* tail = m.Find(0x15000);
  ASSERT_NE(tail, nullptr);
  EXPECT_EQ(tail->start, 0x15000u);
  // The tail's file offset moved with its start: 0x1000 + 0x5000.
  EXPECT_EQ(tail->offset, 0x6000u);
  EXPECT_TRUE(m.Find(0x14000)->anonymous);
  EXPECT_EQ(m.Find(0x13fff)->end, 0x14000u);
}

TEST(VmaMapTest, RemoveAcrossHoles) {
  VmaMap m;
  m.Insert(Anon(0x10000, 0x12000, PROT_READ));
  m.Insert(Anon(0x14000, 0x16000, PROT_WRITE));
  m.Remove(0x11000, 0x15000);
  EXPECT_EQ(m.Find(0x10000)->end, 0x11000u);
  EXPECT_EQ(m.Find(0x11000), nullptr);
  EXPECT_EQ(m.Find(0x14000), nullptr);
  EXPECT_EQ(m.Find(0x15000)->start, 0x15000u);
  EXPECT_TRUE(m.IsFree(0x11000, 0x15000));
  EXPECT_FALSE(m.IsFree(0x10000, 0x11001));
}

TEST(VmaMapTest, ProtectSplitsAndRemerges) {
  VmaMap m;
  m.Insert(Anon(0x10000, 0x20000, PROT_READ | PROT_WRITE));
  m.Protect(0x12000, 0x13000, PROT_READ);
  EXPECT_EQ(m.areas().size(), 3u);
  EXPECT_EQ(m.Find(0x12000)->prot, PROT_READ);
  EXPECT_EQ(m.Find(0x13000)->prot, PROT_READ | PROT_WRITE);
  m.Protect(0x12000, 0x13000, PROT_READ | PROT_WRITE);
  EXPECT_EQ(m.areas().size(), 1u);
}

TEST(VmaMapTest, AllowsAndFullyMapped) {
  VmaMap m;
  m.Insert(Anon(0x10000, 0x11000, PROT_READ));
  m.Insert(Anon(0x11000, 0x12000, PROT_READ | PROT_WRITE));
  EXPECT_TRUE(m.IsFullyMapped(0x10000, 0x12000));
  EXPECT_TRUE(m.Allows(0x10ff0, 0x11010, PROT_READ));
  EXPECT_FALSE(m.Allows(0x10ff0, 0x11010, PROT_WRITE));
  EXPECT_TRUE(m.Allows(0x11000, 0x12000, PROT_WRITE));
  EXPECT_FALSE(m.IsFullyMapped(0x11000, 0x12001));
}

TEST(VmaMapTest, FindFreeTopDown) {
  VmaMap m;
  // Empty: the highest fit.
  EXPECT_EQ(m.FindFreeTopDown(0x2000, 0x10000, 0x100000), 0xfe000u);
  m.Insert(Anon(0xf0000, 0x100000, PROT_READ));
  EXPECT_EQ(m.FindFreeTopDown(0x2000, 0x10000, 0x100000), 0xee000u);
  // A gap too small between two areas is skipped.
  m.Insert(Anon(0xe0000, 0xef000, PROT_READ));
  EXPECT_EQ(m.FindFreeTopDown(0x2000, 0x10000, 0x100000), 0xde000u);
  EXPECT_EQ(m.FindFreeTopDown(0x1000, 0x10000, 0x100000), 0xef000u);
  // An area straddling hi.
  EXPECT_EQ(m.FindFreeTopDown(0x1000, 0x10000, 0xe8000), 0xdf000u);
  // Nothing fits.
  EXPECT_EQ(m.FindFreeTopDown(0x100000, 0x10000, 0x100000), std::nullopt);
  EXPECT_EQ(m.FindFreeTopDown(0xd0000, 0x10000, 0x100000), 0x10000u);
  EXPECT_EQ(m.FindFreeTopDown(0xd1000, 0x10000, 0x100000), std::nullopt);
}

TEST(VmaMapTest, ForEachInClips) {
  VmaMap m;
  m.Insert(File(0x10000, 0x20000, PROT_READ, 0, 1));
  std::vector<Vma> seen;
  m.ForEachIn(0x11000, 0x12000, [&](const Vma& v) { seen.push_back(v); });
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].start, 0x11000u);
  EXPECT_EQ(seen[0].end, 0x12000u);
  EXPECT_EQ(seen[0].offset, 0x1000u);
}

TEST(VmaMapTest, DumpLooksLikeProcMaps) {
  VmaMap m;
  Vma f = File(0x10000, 0x70000, PROT_READ | PROT_EXEC, 0, 1234);
  f.dev = (8 << 8) | 1;
  f.name = "/bin/prog";
  m.Insert(f);
  Vma heap = Anon(0x7d000, 0x9f000, PROT_READ | PROT_WRITE);
  heap.name = "[heap]";
  m.Insert(heap);
  m.Insert(Anon(0x100000, 0x101000, PROT_NONE));
  // As the host's own /proc/self/maps: the name at column 73, and a
  // trailing space after the inode of an unnamed area.
  EXPECT_EQ(m.Dump(),
            "00010000-00070000 r-xp 00000000 08:01 1234                               /bin/prog\n"
            "0007d000-0009f000 rw-p 00000000 00:00 0                                  [heap]\n"
            "00100000-00101000 ---p 00000000 00:00 0 \n");
}

}  // namespace
}  // namespace dbt::executor
