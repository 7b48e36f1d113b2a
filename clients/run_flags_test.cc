#include "clients/run_flags.h"

#include "gtest/gtest.h"

namespace dbt {
namespace {

TEST(RunFlagsTest, OptionsStopAtTheProgram) {
  absl::StatusOr<RunFlags> f =
      ParseRunFlags({"-strace", "-d", "in_asm,out_asm", "prog", "-d", "x", "--interpret"});
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_TRUE(f->strace);
  EXPECT_FALSE(f->interpret);  // belongs to the guest
  EXPECT_EQ(f->program, "prog");
  EXPECT_EQ(f->args, (std::vector<std::string>{"-d", "x", "--interpret"}));
  EXPECT_EQ(f->debug_items, (std::vector<std::string>{"in_asm", "out_asm"}));
}

TEST(RunFlagsTest, ValuesAfterEqualsOrNextArgument) {
  absl::StatusOr<RunFlags> f =
      ParseRunFlags({"--tb-size=64", "--stats-json", "/tmp/s.json", "-D=/tmp/log", "-E", "A=1",
                     "-U", "B", "-0", "name", "--one-insn-per-tb", "p"});
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->tb_size_mib, 64u);
  EXPECT_EQ(f->stats_json, "/tmp/s.json");
  EXPECT_EQ(f->log_file, "/tmp/log");
  EXPECT_EQ(f->set_env, std::vector<std::string>{"A=1"});
  EXPECT_EQ(f->unset_env, std::vector<std::string>{"B"});
  EXPECT_EQ(f->argv0, "name");
  EXPECT_TRUE(f->one_insn_per_tb);
  EXPECT_EQ(f->program, "p");
  EXPECT_TRUE(f->args.empty());
}

TEST(RunFlagsTest, DoubleDashEndsOptions) {
  absl::StatusOr<RunFlags> f = ParseRunFlags({"--", "-weird-name", "a"});
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->program, "-weird-name");
  EXPECT_EQ(f->args, std::vector<std::string>{"a"});
}

TEST(RunFlagsTest, Errors) {
  EXPECT_FALSE(ParseRunFlags({}).ok());
  EXPECT_FALSE(ParseRunFlags({"-strace"}).ok());
  EXPECT_FALSE(ParseRunFlags({"-d", "bogus", "p"}).ok());
  EXPECT_FALSE(ParseRunFlags({"--tb-size", "0", "p"}).ok());
  EXPECT_FALSE(ParseRunFlags({"--tb-size", "lots", "p"}).ok());
  EXPECT_FALSE(ParseRunFlags({"-E", "NOEQUALS", "p"}).ok());
  EXPECT_FALSE(ParseRunFlags({"--frobnicate", "p"}).ok());
  EXPECT_FALSE(ParseRunFlags({"-d"}).ok());
}

}  // namespace
}  // namespace dbt
