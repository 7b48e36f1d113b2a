#include "services/executor/runtime/guest_memory.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace dbt::executor {
namespace {

constexpr uint64_t kPage = 4096;
constexpr uint64_t kSpace = uint64_t{1} << 30;  // Small space: tests stay light.
// Guest mmap flag values (asm-generic mman).
constexpr int kShared = 0x01, kPrivate = 0x02, kFixed = 0x10, kAnon = 0x20,
              kFixedNoReplace = 0x100000;
constexpr int kRW = PROT_READ | PROT_WRITE;

class GuestMemoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto m = GuestMemory::Create(kSpace);
    ASSERT_TRUE(m.ok()) << m.status();
    mem_ = std::move(*m);
  }
  int64_t MapAnon(uint64_t addr, uint64_t len, int prot = kRW, int extra = 0) {
    return mem_->Mmap(addr, len, prot, kPrivate | kAnon | extra, -1, 0);
  }
  // A temp file holding `pages` pages, page i filled with byte 'A'+i.
  int MakeFile(int pages, int open_flags = O_RDWR) {
    char path[] = "/tmp/guest_memory_testXXXXXX";
    int fd = mkstemp(path);
    EXPECT_GE(fd, 0);
    for (int i = 0; i < pages; ++i) {
      std::string page(kPage, static_cast<char>('A' + i));
      EXPECT_EQ(write(fd, page.data(), page.size()), static_cast<ssize_t>(kPage));
    }
    if (open_flags != O_RDWR) {
      close(fd);
      fd = open(path, open_flags);
    }
    unlink(path);
    return fd;
  }
  std::unique_ptr<GuestMemory> mem_;
};

TEST_F(GuestMemoryTest, AnonymousMapIsZeroedWritableAndTopDown) {
  int64_t a = MapAnon(0, 3 * kPage);
  ASSERT_GT(a, 0);
  EXPECT_EQ(static_cast<uint64_t>(a), kSpace - 3 * kPage);  // Highest fit below mmap_top.
  for (uint64_t i = 0; i < 3 * kPage; ++i) ASSERT_EQ(mem_->Host(a)[i], 0);
  mem_->Host(a)[5] = 42;
  EXPECT_TRUE(mem_->CanWrite(a, 3 * kPage));
  EXPECT_FALSE(mem_->CanRead(a - 1, 2));
  // The next one goes right below.
  int64_t b = MapAnon(0, 1);
  EXPECT_EQ(b, a - static_cast<int64_t>(kPage));  // Length rounded up to a page.
}

TEST_F(GuestMemoryTest, HintIsUsedWhenFree) {
  EXPECT_EQ(MapAnon(0x123000, kPage), 0x123000);
  // Unaligned hint is rounded up.
  EXPECT_EQ(MapAnon(0x200001, kPage), 0x201000);
  // Taken hint: somewhere else.
  int64_t c = MapAnon(0x123000, kPage);
  EXPECT_GT(c, 0);
  EXPECT_NE(c, 0x123000);
}

TEST_F(GuestMemoryTest, InvalidArguments) {
  EXPECT_EQ(MapAnon(0, 0), -EINVAL);
  EXPECT_EQ(mem_->Mmap(0, kPage, kRW, kAnon, -1, 0), -EINVAL);  // Neither shared nor private.
  EXPECT_EQ(mem_->Mmap(0, kPage, kRW, kPrivate | kAnon, -1, 123), -EINVAL);
  EXPECT_EQ(MapAnon(0x10001, kPage, kRW, kFixed), -EINVAL);
  EXPECT_EQ(MapAnon(kSpace, kPage, kRW, kFixed), -ENOMEM);
  EXPECT_EQ(MapAnon(0, kPage, 0x10), -EINVAL);  // Unknown prot bit.
  EXPECT_EQ(mem_->Mmap(0, kPage, PROT_READ, kPrivate, 9999, 0), -EBADF);
  EXPECT_EQ(MapAnon(0, kSpace + kPage), -ENOMEM);
}

TEST_F(GuestMemoryTest, FixedReplacesAndNoReplaceRefuses) {
  ASSERT_EQ(MapAnon(0x100000, 4 * kPage, kRW, kFixed), 0x100000);
  mem_->Host(0x100000)[0] = 7;
  mem_->Host(0x103000)[0] = 9;
  EXPECT_EQ(MapAnon(0x101000, kPage, kRW, kFixedNoReplace), -EEXIST);
  EXPECT_EQ(MapAnon(0x103000, 2 * kPage, kRW, kFixedNoReplace), -EEXIST);
  EXPECT_EQ(MapAnon(0x100000, kPage, PROT_READ, kFixed), 0x100000);
  EXPECT_EQ(mem_->Host(0x100000)[0], 0);  // Fresh pages.
  EXPECT_EQ(mem_->Host(0x103000)[0], 9);  // Untouched.
  EXPECT_FALSE(mem_->CanWrite(0x100000, 1));
  EXPECT_TRUE(mem_->CanWrite(0x101000, 1));
  EXPECT_EQ(MapAnon(0x104000, kPage, kRW, kFixedNoReplace), 0x104000);
}

TEST_F(GuestMemoryTest, PrivateFileMapping) {
  int fd = MakeFile(3);
  int64_t a = mem_->Mmap(0, 2 * kPage, PROT_READ | PROT_WRITE, kPrivate, fd, kPage);
  ASSERT_GT(a, 0);
  EXPECT_EQ(mem_->Host(a)[0], 'B');
  EXPECT_EQ(mem_->Host(a)[kPage], 'C');
  mem_->Host(a)[0] = 'x';  // Copy-on-write: the file keeps 'B'.
  char c;
  ASSERT_EQ(pread(fd, &c, 1, kPage), 1);
  EXPECT_EQ(c, 'B');
  const Vma* v = mem_->vmas().Find(a);
  ASSERT_NE(v, nullptr);
  EXPECT_FALSE(v->anonymous);
  EXPECT_EQ(v->offset, kPage);
  EXPECT_NE(v->inode, 0u);
  close(fd);
}

TEST_F(GuestMemoryTest, SharedFileMappingWritesThrough) {
  int fd = MakeFile(1);
  int64_t a = mem_->Mmap(0, kPage, kRW, kShared, fd, 0);
  ASSERT_GT(a, 0);
  mem_->Host(a)[10] = 'z';
  char c;
  ASSERT_EQ(pread(fd, &c, 1, 10), 1);
  EXPECT_EQ(c, 'z');
  close(fd);
}

TEST_F(GuestMemoryTest, SharedWritableMappingOfReadOnlyFileIsRefused) {
  int fd = MakeFile(1, O_RDONLY);
  // mmap(2): EACCES "MAP_SHARED was requested and PROT_WRITE is set, but fd
  // is not open in read/write (O_RDWR) mode".
  EXPECT_EQ(mem_->Mmap(0, kPage, kRW, kShared, fd, 0), -EACCES);
  int64_t a = mem_->Mmap(0, kPage, PROT_READ, kShared, fd, 0);
  ASSERT_GT(a, 0);
  // mprotect(2) on it: EACCES too.
  EXPECT_EQ(mem_->Mprotect(a, kPage, kRW), -EACCES);
  // A private mapping of it may be writable.
  EXPECT_GT(mem_->Mmap(0, kPage, kRW, kPrivate, fd, 0), 0);
  close(fd);
}

TEST_F(GuestMemoryTest, MunmapMakesPagesInaccessible) {
  ASSERT_EQ(MapAnon(0x100000, 3 * kPage, kRW, kFixed), 0x100000);
  EXPECT_EQ(mem_->Munmap(0x101000, kPage), 0);
  EXPECT_TRUE(mem_->CanRead(0x100000, kPage));
  EXPECT_FALSE(mem_->CanRead(0x101000, 1));
  EXPECT_TRUE(mem_->CanRead(0x102000, kPage));
  EXPECT_DEATH({ (void)*(volatile uint8_t*)mem_->Host(0x101000); }, "");
  EXPECT_EQ(mem_->Munmap(0x100001, kPage), -EINVAL);
  EXPECT_EQ(mem_->Munmap(0x100000, 0), -EINVAL);
  EXPECT_EQ(mem_->Munmap(0x300000, kPage), 0);  // Nothing there: still fine.
}

TEST_F(GuestMemoryTest, MprotectChangesHostProtection) {
  ASSERT_EQ(MapAnon(0x100000, 2 * kPage, kRW, kFixed), 0x100000);
  EXPECT_EQ(mem_->Mprotect(0x100000, kPage, PROT_READ), 0);
  EXPECT_FALSE(mem_->CanWrite(0x100000, 1));
  EXPECT_TRUE(mem_->CanWrite(0x101000, 1));
  EXPECT_DEATH({ *(volatile uint8_t*)mem_->Host(0x100000) = 1; }, "");
  EXPECT_EQ(mem_->Mprotect(0x100000, kPage, PROT_NONE), 0);
  EXPECT_DEATH({ (void)*(volatile uint8_t*)mem_->Host(0x100000); }, "");
  EXPECT_EQ(mem_->Mprotect(0x100000, kPage, PROT_EXEC), 0);
  // EXEC-only pages are readable by the host (the interpreter fetches).
  EXPECT_EQ(*(volatile uint8_t*)mem_->Host(0x100000), 0);
  EXPECT_FALSE(mem_->CanRead(0x100000, 1));  // But not by guest data reads.
  EXPECT_EQ(mem_->Mprotect(0x100001, kPage, PROT_READ), -EINVAL);
  EXPECT_EQ(mem_->Mprotect(0x100000, kPage, 0x40), -EINVAL);
}

TEST_F(GuestMemoryTest, MprotectStopsAtFirstHoleWithEnomem) {
  ASSERT_EQ(MapAnon(0x100000, kPage, kRW, kFixed), 0x100000);
  ASSERT_EQ(MapAnon(0x102000, kPage, kRW, kFixed), 0x102000);
  EXPECT_EQ(mem_->Mprotect(0x100000, 3 * kPage, PROT_READ), -ENOMEM);
  // Linux changed the part before the hole and not the part after it.
  EXPECT_FALSE(mem_->CanWrite(0x100000, 1));
  EXPECT_TRUE(mem_->CanWrite(0x102000, 1));
  EXPECT_EQ(mem_->Mprotect(0x101000, kPage, PROT_READ), -ENOMEM);
}

TEST_F(GuestMemoryTest, MremapShrinkGrowInPlaceAndMove) {
  ASSERT_EQ(MapAnon(0x100000, 4 * kPage, kRW, kFixed), 0x100000);
  memset(mem_->Host(0x100000), 'q', 4 * kPage);
  // Shrink: same address, tail unmapped.
  EXPECT_EQ(mem_->Mremap(0x100000, 4 * kPage, 2 * kPage, 0, 0), 0x100000);
  EXPECT_FALSE(mem_->CanRead(0x102000, 1));
  // Grow in place (the pages after are free): new part zeroed.
  EXPECT_EQ(mem_->Mremap(0x100000, 2 * kPage, 3 * kPage, 0, 0), 0x100000);
  EXPECT_EQ(mem_->Host(0x101fff)[0], 'q');
  EXPECT_EQ(mem_->Host(0x102000)[0], 0);
  EXPECT_TRUE(mem_->CanWrite(0x102000, kPage));
  // Blocked: without MAYMOVE ENOMEM, with it the data moves.
  ASSERT_EQ(MapAnon(0x103000, kPage, PROT_READ, kFixed), 0x103000);
  EXPECT_EQ(mem_->Mremap(0x100000, 3 * kPage, 5 * kPage, 0, 0), -ENOMEM);
  int64_t moved = mem_->Mremap(0x100000, 3 * kPage, 5 * kPage, /*MREMAP_MAYMOVE=*/1, 0);
  ASSERT_GT(moved, 0);
  EXPECT_NE(moved, 0x100000);
  EXPECT_EQ(mem_->Host(moved)[0], 'q');
  EXPECT_EQ(mem_->Host(moved)[2 * kPage - 1], 'q');
  EXPECT_EQ(mem_->Host(moved)[2 * kPage], 0);
  EXPECT_TRUE(mem_->CanWrite(moved, 5 * kPage));
  EXPECT_FALSE(mem_->CanRead(0x100000, 1));
  EXPECT_DEATH({ (void)*(volatile uint8_t*)mem_->Host(0x100000); }, "");
}

TEST_F(GuestMemoryTest, MremapFixedAndErrors) {
  ASSERT_EQ(MapAnon(0x100000, 2 * kPage, kRW, kFixed), 0x100000);
  mem_->Host(0x100000)[0] = 'a';
  ASSERT_EQ(MapAnon(0x200000, kPage, PROT_READ, kFixed), 0x200000);
  // FIXED without MAYMOVE: EINVAL.
  EXPECT_EQ(mem_->Mremap(0x100000, 2 * kPage, 2 * kPage, 2, 0x200000), -EINVAL);
  // Overlapping ranges: EINVAL.
  EXPECT_EQ(mem_->Mremap(0x100000, 2 * kPage, 2 * kPage, 3, 0x101000), -EINVAL);
  // FIXED replaces what is at the target.
  EXPECT_EQ(mem_->Mremap(0x100000, 2 * kPage, 2 * kPage, 3, 0x200000), 0x200000);
  EXPECT_EQ(mem_->Host(0x200000)[0], 'a');
  EXPECT_TRUE(mem_->CanWrite(0x201000, 1));
  EXPECT_FALSE(mem_->CanRead(0x100000, 1));
  // Not mapped / spanning two areas: EFAULT.
  EXPECT_EQ(mem_->Mremap(0x100000, kPage, 2 * kPage, 1, 0), -EFAULT);
  ASSERT_EQ(MapAnon(0x202000, kPage, PROT_READ, kFixed), 0x202000);
  EXPECT_EQ(mem_->Mremap(0x200000, 3 * kPage, 4 * kPage, 1, 0), -EFAULT);
  EXPECT_EQ(mem_->Mremap(0x200001, kPage, 2 * kPage, 1, 0), -EINVAL);
  EXPECT_EQ(mem_->Mremap(0x200000, kPage, 0, 1, 0), -EINVAL);
}

TEST_F(GuestMemoryTest, MremapMovesFileMappingWithItsOffset) {
  int fd = MakeFile(4);
  int64_t a = mem_->Mmap(0x100000, kPage, PROT_READ, kPrivate | kFixed, fd, kPage);
  ASSERT_EQ(a, 0x100000);
  ASSERT_EQ(MapAnon(0x101000, kPage, PROT_READ, kFixed), 0x101000);
  // Growing must move; the new pages show the following file page.
  int64_t b = mem_->Mremap(0x100000, kPage, 2 * kPage, 1, 0);
  ASSERT_GT(b, 0);
  EXPECT_EQ(mem_->Host(b)[0], 'B');
  EXPECT_EQ(mem_->Host(b)[kPage], 'C');
  EXPECT_EQ(mem_->vmas().Find(b)->offset, kPage);
  close(fd);
}

TEST_F(GuestMemoryTest, MadviseDontneedZeroesAnonymousAndRevertsPrivateFile) {
  ASSERT_EQ(MapAnon(0x100000, 2 * kPage, kRW, kFixed), 0x100000);
  memset(mem_->Host(0x100000), 0x55, 2 * kPage);
  EXPECT_EQ(mem_->Madvise(0x100000, kPage, /*MADV_DONTNEED=*/4), 0);
  EXPECT_EQ(mem_->Host(0x100000)[100], 0);
  EXPECT_EQ(mem_->Host(0x101000)[100], 0x55);
  int fd = MakeFile(1);
  ASSERT_EQ(mem_->Mmap(0x200000, kPage, kRW, kPrivate | kFixed, fd, 0), 0x200000);
  mem_->Host(0x200000)[0] = 'x';
  EXPECT_EQ(mem_->Madvise(0x200000, kPage, 4), 0);
  EXPECT_EQ(mem_->Host(0x200000)[0], 'A');
  // A hole in the range: ENOMEM (after advising the mapped parts).
  EXPECT_EQ(mem_->Madvise(0x100000, 3 * kPage, 4), -ENOMEM);
  EXPECT_EQ(mem_->Madvise(0x100001, kPage, 4), -EINVAL);
  EXPECT_EQ(mem_->Madvise(0x100000, kPage, 12345), -EINVAL);
  close(fd);
}

TEST_F(GuestMemoryTest, Brk) {
  mem_->InitBrk(0x7c878);  // Rounded up like Linux's start_brk.
  EXPECT_EQ(mem_->brk(), 0x7d000u);
  EXPECT_EQ(mem_->Brk(0), 0x7d000u);  // brk(0): query.
  EXPECT_EQ(mem_->Brk(0x7db00), 0x7db00u);
  EXPECT_TRUE(mem_->CanWrite(0x7d000, kPage));
  EXPECT_EQ(mem_->vmas().Find(0x7d000)->name, "[heap]");
  EXPECT_EQ(mem_->Brk(0x9f000), 0x9f000u);
  EXPECT_TRUE(mem_->CanWrite(0x9e000, kPage));
  EXPECT_FALSE(mem_->CanRead(0x9f000, 1));
  // Shrinking frees whole pages above the new break.
  EXPECT_EQ(mem_->Brk(0x80010), 0x80010u);
  EXPECT_TRUE(mem_->CanWrite(0x80000, kPage));
  EXPECT_FALSE(mem_->CanRead(0x81000, 1));
  // Below the start: unchanged.
  EXPECT_EQ(mem_->Brk(0x1000), 0x80010u);
  // Colliding with a mapping: unchanged (Linux returns the old break).
  ASSERT_EQ(MapAnon(0x90000, kPage, kRW, kFixed), 0x90000);
  EXPECT_EQ(mem_->Brk(0xa0000), 0x80010u);
  EXPECT_EQ(mem_->Brk(0x90000), 0x90000u);
}

TEST_F(GuestMemoryTest, CopiesAndStringsRespectGuestProtection) {
  ASSERT_EQ(MapAnon(0x100000, kPage, kRW, kFixed), 0x100000);
  ASSERT_EQ(MapAnon(0x101000, kPage, PROT_READ, kFixed), 0x101000);
  const char msg[] = "hello";
  EXPECT_TRUE(mem_->CopyToGuest(0x100ffa, msg, 6));
  EXPECT_FALSE(mem_->CopyToGuest(0x100ffb, msg, 6));  // Last byte on a read-only page.
  EXPECT_EQ(mem_->ReadString(0x100ffa), "hello");
  char out[6];
  EXPECT_TRUE(mem_->CopyFromGuest(out, 0x100ffa, 6));
  EXPECT_STREQ(out, "hello");
  EXPECT_FALSE(mem_->CopyFromGuest(out, 0x101ffc, 6));  // Runs off the mapping.
  // A string crossing into unmapped memory without a NUL: unreadable.
  memset(mem_->Host(0x100000), 'a', kPage);
  ASSERT_EQ(mem_->Mprotect(0x101000, kPage, kRW), 0);
  memset(mem_->Host(0x101000), 'b', kPage);
  EXPECT_EQ(mem_->ReadString(0x100000, 1 << 20), std::nullopt);
  mem_->Host(0x101000)[3] = 0;
  EXPECT_EQ(mem_->ReadString(0x100ffe, 1 << 20), "aabbb");
  EXPECT_EQ(mem_->ReadString(0x100ffe, 4), std::nullopt);  // Longer than max_len.
}

TEST_F(GuestMemoryTest, CodePagesAreWriteProtectedUntilWritten) {
  std::vector<std::pair<uint64_t, uint64_t>> invalidated;
  mem_->set_invalidate_hook([&](uint64_t a, uint64_t l) { invalidated.emplace_back(a, l); });
  ASSERT_EQ(MapAnon(0x100000, 2 * kPage, kRW | PROT_EXEC, kFixed), 0x100000);
  mem_->MarkCodePage(0x100000);
  EXPECT_TRUE(mem_->IsCodePage(0x100000));
  EXPECT_FALSE(mem_->IsCodePage(0x101000));
  // The host page is read-only now, while the guest may still write it.
  EXPECT_TRUE(mem_->CanWrite(0x100000, 1));
  EXPECT_DEATH({ *(volatile uint8_t*)mem_->Host(0x100010) = 1; }, "");
  // The fault path: translations dropped, page writable again.
  EXPECT_TRUE(mem_->HandleCodeWriteFault(0x100010));
  ASSERT_EQ(invalidated.size(), 1u);
  EXPECT_EQ(invalidated[0], std::make_pair(uint64_t{0x100000}, kPage));
  EXPECT_FALSE(mem_->IsCodePage(0x100000));
  *(volatile uint8_t*)mem_->Host(0x100010) = 1;
  EXPECT_FALSE(mem_->HandleCodeWriteFault(0x101000));  // Not a code page.
  // A writable page that is not (or no longer) a code page: the store is
  // retried (another thread unprotected it first); a page the guest may not
  // write is a guest fault.
  EXPECT_TRUE(mem_->HandleWriteFault(0x100010));
  EXPECT_TRUE(mem_->HandleWriteFault(0x101000));
  ASSERT_EQ(MapAnon(0x200000, kPage, PROT_READ, kFixed), 0x200000);
  EXPECT_FALSE(mem_->HandleWriteFault(0x200000));
  EXPECT_FALSE(mem_->HandleWriteFault(0x300000));  // Unmapped.
  // A syscall writing into a code page goes through PrepareWrite.
  mem_->MarkCodePage(0x101000);
  invalidated.clear();
  EXPECT_TRUE(mem_->CopyToGuest(0x101000, "x", 1));
  EXPECT_EQ(invalidated.size(), 1u);
  // mprotect keeps a code page's host copy read-only.
  mem_->MarkCodePage(0x100000);
  ASSERT_EQ(mem_->Mprotect(0x100000, kPage, kRW), 0);
  EXPECT_DEATH({ *(volatile uint8_t*)mem_->Host(0x100010) = 1; }, "");
  // Losing EXEC or the mapping invalidates.
  invalidated.clear();
  ASSERT_EQ(mem_->Mprotect(0x101000, kPage, PROT_READ | PROT_EXEC), 0);
  EXPECT_TRUE(invalidated.empty());
  ASSERT_EQ(mem_->Mprotect(0x101000, kPage, PROT_READ), 0);
  EXPECT_EQ(invalidated.size(), 1u);
  ASSERT_EQ(mem_->Munmap(0x100000, 2 * kPage), 0);
  EXPECT_EQ(invalidated.size(), 2u);
  EXPECT_FALSE(mem_->IsCodePage(0x100000));
}

// Several guest threads' memory syscalls and checked copies at once: the
// mapping lock keeps the VMA map and the host mappings in step (without it
// the map's tree is corrupted, or a copy checked as mapped faults).
TEST_F(GuestMemoryTest, ConcurrentMapsUnmapsAndCopiesStayConsistent) {
  constexpr int kThreads = 4, kRounds = 300;
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      uint64_t value = t;
      for (int i = 0; i < kRounds; ++i) {
        int64_t a = MapAnon(0, (1 + i % 3) * kPage);
        if (a < 0 || !mem_->CopyToGuest(a, &value, sizeof(value))) {
          ++errors;
          continue;
        }
        uint64_t back = 0;
        if (!mem_->CopyFromGuest(&back, a, sizeof(back)) || back != value) ++errors;
        if (mem_->Munmap(a, (1 + i % 3) * kPage) != 0) ++errors;
      }
    });
  }
  // Meanwhile: readers of the map, and a brk that grows and shrinks.
  threads.emplace_back([&] {
    mem_->InitBrk(0x10000000);
    for (int i = 0; i < kRounds; ++i) {
      mem_->DumpMaps();
      mem_->Brk(0x10000000 + (i % 7) * kPage);
      // Another thread may have just mapped or unmapped: either answer is
      // fine, a crash is not.
      (void)mem_->CanRead(0x10000000, 8);
    }
  });
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  // Everything the workers mapped is gone again; only the break remains.
  mem_->Brk(0x10000000);
  EXPECT_TRUE(mem_->vmas().areas().empty()) << mem_->DumpMaps();
}

}  // namespace
}  // namespace dbt::executor
