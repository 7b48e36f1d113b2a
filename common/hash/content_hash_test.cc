#include "common/hash/content_hash.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstring>
#include <random>
#include <string>

#include "gtest/gtest.h"

namespace dbt {
namespace {

TEST(ContentHashTest, StreamingEqualsOneShot) {
  std::string a = "\x13\x05\x15\x00", b = "\x67\x80\x00\x00 more bytes";
  ContentHasher h;
  h.Update(a.data(), a.size());
  h.Update(b.data(), b.size());
  std::string ab = a + b;
  EXPECT_EQ(h.Finish(), HashBytes(ab.data(), ab.size()));
}

// A file hashed in pieces (64 KiB reads) hashes as its bytes in one go:
// empty, within one piece, and across several with a ragged end.
TEST(ContentHashTest, HashFdEqualsHashOfTheContents) {
  std::mt19937 rng(7);
  for (size_t size : {size_t{0}, size_t{100}, size_t{(64 << 10) * 3 + 123}}) {
    std::string bytes(size, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    char path[] = "/tmp/dbt-hashfd-XXXXXX";
    const int fd = mkstemp(path);
    ASSERT_GE(fd, 0);
    unlink(path);
    ASSERT_EQ(write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
    ASSERT_EQ(lseek(fd, 0, SEEK_SET), 0);
    ContentHash h;
    ASSERT_TRUE(HashFd(fd, &h)) << size;
    EXPECT_EQ(h, HashBytes(bytes.data(), bytes.size())) << size;
    close(fd);
  }
}

// 16 bytes, low then high half, as wire::Hello carries them; any other
// size is refused.
TEST(ContentHashTest, BytesHoldLowThenHighAndOnlySixteen) {
  const ContentHash h{0x0123456789abcdefULL, 0xfedcba9876543210ULL};
  const std::string bytes = ContentHashToBytes(h);
  ASSERT_EQ(bytes.size(), 16u);
  uint64_t lo = 0, hi = 0;
  memcpy(&lo, bytes.data(), 8);
  memcpy(&hi, bytes.data() + 8, 8);
  EXPECT_EQ(lo, h.lo);
  EXPECT_EQ(hi, h.hi);
  ContentHash back;
  ASSERT_TRUE(ContentHashFromBytes(bytes, &back));
  EXPECT_EQ(back, h);
  EXPECT_FALSE(ContentHashFromBytes(bytes.substr(0, 15), &back));
  EXPECT_FALSE(ContentHashFromBytes(bytes + "x", &back));
}

TEST(ContentHashTest, HashFdReportsAReadError) {
  const int fd = open("/tmp", O_RDONLY | O_DIRECTORY);  // read(2) on a directory: EISDIR
  ASSERT_GE(fd, 0);
  ContentHash h;
  EXPECT_FALSE(HashFd(fd, &h));
  close(fd);
}

TEST(ContentHashTest, OneBitChangesTheHash) {
  std::string code(64, '\x13');
  ContentHash before = HashBytes(code.data(), code.size());
  code[17] ^= 1;
  ContentHash after = HashBytes(code.data(), code.size());
  EXPECT_NE(before, after);
  EXPECT_NE(before.lo, after.lo);
  EXPECT_NE(before.hi, after.hi);
}

TEST(ContentHashTest, KnownValueOfTheEmptyInput) {
  // XXH3-128 of zero bytes, from the xxHash reference (sanity of the
  // library binding; persistence relies on the value never changing).
  ContentHash h = HashBytes("", 0);
  EXPECT_EQ(h.lo, 0x6001c324468d497fULL);
  EXPECT_EQ(h.hi, 0x99aa06d3014798d8ULL);
}

}  // namespace
}  // namespace dbt
