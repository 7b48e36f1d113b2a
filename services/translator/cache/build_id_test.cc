#include "services/translator/cache/build_id.h"

#include <fcntl.h>
#include <unistd.h>

#include "common/hash/content_hash.h"
#include "gtest/gtest.h"

namespace dbt::translator {
namespace {

// Bazel links with a GNU build-id note: the identity comes from it (read in
// memory at no cost), not from reading the whole binary, and is stable.
TEST(BuildIdTest, ComesFromTheBuildIdNoteAndIsStable) {
  const uint64_t id = TranslatorBuildId();
  EXPECT_NE(id, 0u);
  EXPECT_EQ(id, TranslatorBuildId());
  const int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  ContentHash file;
  ASSERT_TRUE(HashFd(fd, &file));
  close(fd);
  EXPECT_NE(id, file.lo) << "the file was hashed: no build-id note was found";
}

// dbt run names the translator's preload images by its id, read from the
// translator's file: the same value as the running binary computes.
TEST(BuildIdTest, OfAFileIsWhatThatBinaryComputes) {
  EXPECT_EQ(BuildIdOfFile("/proc/self/exe"), TranslatorBuildId());
  EXPECT_EQ(BuildIdOfFile("/nonexistent/translator"), 0u);
  // Without a build-id note (not an ELF file here): the content hash.
  EXPECT_NE(BuildIdOfFile("/etc/hostname"), 0u);
}

}  // namespace
}  // namespace dbt::translator
