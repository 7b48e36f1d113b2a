#include "services/cache/store/preload_files.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace dbt::cache {
namespace {

ProgramKey Program(uint64_t n) {
  ProgramKey p;
  p.abi = 3;
  p.build = 77;
  p.file_hash = ContentHash{n, n + 1};
  return p;
}

class PreloadFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tmp = getenv("TEST_TMPDIR");
    dir_ = absl::StrCat(tmp != nullptr ? tmp : "/tmp", "/preload-XXXXXX");
    ASSERT_NE(mkdtemp(dir_.data()), nullptr);
    ASSERT_EQ(chmod(dir_.c_str(), 0700), 0);
  }
  void TearDown() override {
    ClearPreloadFiles(dir_);
    rmdir(absl::StrCat(dir_, "/preload").c_str());
    rmdir(dir_.c_str());
  }
  std::string dir_;
};

TEST_F(PreloadFilesTest, WrittenImageReadsBackPerProgram) {
  ASSERT_TRUE(WritePreloadFile(dir_, Program(1), "image one").ok());
  ASSERT_TRUE(WritePreloadFile(dir_, Program(2), "image two").ok());
  absl::StatusOr<std::string> one = ReadPreloadFile(dir_, Program(1));
  ASSERT_TRUE(one.ok()) << one.status();
  EXPECT_EQ(*one, "image one");
  EXPECT_EQ(*ReadPreloadFile(dir_, Program(2)), "image two");
  // Replaced whole.
  ASSERT_TRUE(WritePreloadFile(dir_, Program(1), "newer").ok());
  EXPECT_EQ(*ReadPreloadFile(dir_, Program(1)), "newer");
  struct stat st;
  ASSERT_EQ(stat(PreloadFilePath(dir_, Program(1)).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(stat(absl::StrCat(dir_, "/preload").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_EQ(PreloadFilesInUse(dir_).files, 2u);
  EXPECT_EQ(PreloadFilesInUse(dir_).bytes, 5u + 9u);
}

TEST_F(PreloadFilesTest, AbsentImageIsNotFound) {
  EXPECT_EQ(ReadPreloadFile(dir_, Program(1)).status().code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(WritePreloadFile(dir_, Program(1), "x").ok());
  EXPECT_EQ(ReadPreloadFile(dir_, Program(2)).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(PreloadFilesTest, ImagesOthersCouldWriteAreNotRead) {
  ASSERT_TRUE(WritePreloadFile(dir_, Program(1), "x").ok());
  const std::string file = PreloadFilePath(dir_, Program(1));
  ASSERT_EQ(chmod(file.c_str(), 0620), 0);
  EXPECT_EQ(ReadPreloadFile(dir_, Program(1)).status().code(), absl::StatusCode::kPermissionDenied);
  ASSERT_EQ(chmod(file.c_str(), 0600), 0);
  const std::string sub = absl::StrCat(dir_, "/preload");
  ASSERT_EQ(chmod(sub.c_str(), 0777), 0);
  EXPECT_EQ(ReadPreloadFile(dir_, Program(1)).status().code(), absl::StatusCode::kPermissionDenied);
  ASSERT_EQ(chmod(sub.c_str(), 0700), 0);
  ASSERT_EQ(chmod(dir_.c_str(), 0770), 0);
  EXPECT_EQ(ReadPreloadFile(dir_, Program(1)).status().code(), absl::StatusCode::kPermissionDenied);
  ASSERT_EQ(chmod(dir_.c_str(), 0700), 0);
  EXPECT_TRUE(ReadPreloadFile(dir_, Program(1)).ok());
}

TEST_F(PreloadFilesTest, ASymlinkInPlaceOfAnImageIsNotFollowed) {
  ASSERT_TRUE(WritePreloadFile(dir_, Program(2), "elsewhere").ok());
  const std::string link = PreloadFilePath(dir_, Program(1));
  ASSERT_EQ(symlink(PreloadFilePath(dir_, Program(2)).c_str(), link.c_str()), 0);
  absl::StatusOr<std::string> read = ReadPreloadFile(dir_, Program(1));
  EXPECT_FALSE(read.ok());
  EXPECT_NE(read.status().code(), absl::StatusCode::kNotFound);
  unlink(link.c_str());
}

TEST_F(PreloadFilesTest, PruneDeletesLeastRecentlyReadFirst) {
  for (uint64_t p = 1; p <= 3; ++p) {
    ASSERT_TRUE(WritePreloadFile(dir_, Program(p), std::string(100, 'x')).ok());
    // Distinct times: 1 oldest, 3 newest.
    timespec times[2] = {{0, UTIME_OMIT}, {static_cast<time_t>(1000 + p), 0}};
    ASSERT_EQ(utimensat(AT_FDCWD, PreloadFilePath(dir_, Program(p)).c_str(), times, 0), 0);
  }
  // Reading 1 makes it the most recently used.
  ASSERT_TRUE(ReadPreloadFile(dir_, Program(1)).ok());
  EXPECT_EQ(PrunePreloadFiles(dir_, 250), 1u);
  EXPECT_EQ(ReadPreloadFile(dir_, Program(2)).status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(ReadPreloadFile(dir_, Program(1)).ok());
  EXPECT_TRUE(ReadPreloadFile(dir_, Program(3)).ok());
  EXPECT_EQ(PrunePreloadFiles(dir_, 1000), 0u);
  EXPECT_EQ(ClearPreloadFiles(dir_), 2u);
  EXPECT_EQ(PreloadFilesInUse(dir_).files, 0u);
}

}  // namespace
}  // namespace dbt::cache
