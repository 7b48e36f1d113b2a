#include "services/executor/runtime/sysroot.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "gtest/gtest.h"

namespace dbt::executor {
namespace {

class SysrootTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tmp = getenv("TEST_TMPDIR");
    root_ = std::string(tmp != nullptr ? tmp : "/tmp") + "/sysroot-XXXXXX";
    ASSERT_NE(mkdtemp(root_.data()), nullptr);
    ASSERT_EQ(mkdir((root_ + "/lib").c_str(), 0755), 0);
    ASSERT_EQ(close(creat((root_ + "/lib/ld.so").c_str(), 0644)), 0);
    ASSERT_EQ(symlink("nowhere", (root_ + "/lib/dangling").c_str()), 0);
    ASSERT_EQ(mkdir((root_ + "/proc").c_str(), 0755), 0);
  }
  std::string root_;
};

TEST_F(SysrootTest, WhatExistsUnderTheSysrootElseTheHost) {
  EXPECT_EQ(SysrootPath(root_, "/lib/ld.so"), root_ + "/lib/ld.so");
  EXPECT_EQ(SysrootPath(root_ + "///", "/lib/ld.so"), root_ + "/lib/ld.so");
  EXPECT_EQ(SysrootPath(root_, "/lib"), root_ + "/lib");
  EXPECT_EQ(SysrootPath(root_, "/lib/dangling"), root_ + "/lib/dangling");
  EXPECT_EQ(SysrootPath(root_, "/etc/passwd"), "/etc/passwd");
  EXPECT_EQ(SysrootPath(root_, "lib/ld.so"), "lib/ld.so");  // relative: the cwd's
  EXPECT_EQ(SysrootPath("", "/lib/ld.so"), "/lib/ld.so");
}

TEST_F(SysrootTest, ProcDevAndSysAreAlwaysTheHosts) {
  EXPECT_EQ(SysrootPath(root_, "/proc"), "/proc");
  EXPECT_EQ(SysrootPath(root_, "/proc/self/maps"), "/proc/self/maps");
  EXPECT_EQ(SysrootPath(root_, "/dev/null"), "/dev/null");
}

TEST(ChooseSysrootTest, FlagThenQemuLdPrefixThenTheDebianDefault) {
  EXPECT_EQ(ChooseSysroot("/a", "/b"), "/a");
  EXPECT_EQ(ChooseSysroot("", "/b"), "/b");
  struct stat st;
  const bool cross = stat(kDefaultSysroot, &st) == 0;
  EXPECT_EQ(ChooseSysroot("", ""), cross ? kDefaultSysroot : "");
  EXPECT_EQ(ChooseSysroot("", nullptr), cross ? kDefaultSysroot : "");
}

}  // namespace
}  // namespace dbt::executor
