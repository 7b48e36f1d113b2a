#include "common/service/inherited_fds.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>

#include "gtest/gtest.h"

namespace dbt {
namespace {

bool Has(const std::vector<int>& fds, int fd) {
  return std::find(fds.begin(), fds.end(), fd) != fds.end();
}

TEST(InheritableFdsTest, ListsOpenFdsWithoutCloseOnExecAboveStdio) {
  const int plain = open("/dev/null", O_RDONLY);
  const int cloexec = open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(plain, 3);
  ASSERT_GE(cloexec, 3);
  std::vector<int> fds = InheritableFds();
  EXPECT_TRUE(Has(fds, plain));
  EXPECT_FALSE(Has(fds, cloexec));
  EXPECT_FALSE(Has(fds, 0));
  EXPECT_TRUE(std::is_sorted(fds.begin(), fds.end()));
  close(plain);
  EXPECT_FALSE(Has(InheritableFds(), plain));
  close(cloexec);
}

}  // namespace
}  // namespace dbt
