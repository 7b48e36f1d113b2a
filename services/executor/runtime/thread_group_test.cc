#include "services/executor/runtime/thread_group.h"

#include <errno.h>
#include <unistd.h>

#include <memory>
#include <thread>

#include "gtest/gtest.h"
#include "services/executor/runtime/guest_process.h"

namespace dbt::executor {
namespace {

class ThreadGroupTest : public ::testing::Test {
 protected:
  void SetUp() override { mem_ = std::move(*GuestMemory::Create(uint64_t{1} << 30)); }
  std::unique_ptr<GuestProcess> Task(pid_t tid) {
    envs_.push_back(std::make_unique<GuestEnv>());
    auto task = std::make_unique<GuestProcess>(*mem_, *envs_.back(), false);
    task->group = &group_;
    task->tid = tid;
    return task;
  }
  std::unique_ptr<GuestMemory> mem_;
  std::vector<std::unique_ptr<GuestEnv>> envs_;
  ThreadGroup group_;
};

// Linux (wait_task_zombie): without a group exit, the process's status is
// the leader's exit code, even when another thread leaves last.
TEST_F(ThreadGroupTest, LeaderStatusWhenTheLastThreadLeavesWithExit) {
  auto leader = Task(100), other = Task(101);
  group_.Add(leader.get());
  group_.Add(other.get());
  EXPECT_EQ(group_.size(), 2u);
  leader->exit = GuestExit{false, 3};
  leader->thread_exit = true;
  group_.Remove(leader.get());
  other->exit = GuestExit{false, 5};
  other->thread_exit = true;
  group_.Remove(other.get());
  EXPECT_EQ(group_.WaitForEnd(), (GuestExit{false, 3}));
}

TEST_F(ThreadGroupTest, GroupExitWinsAndStopsTheOthers) {
  auto leader = Task(100), other = Task(101);
  group_.Add(leader.get());
  group_.Add(other.get());
  group_.RequestExit(GuestExit{true, 11}, other.get());
  EXPECT_TRUE(group_.exiting());
  // The others' exit_request is set; the requester's is not.
  EXPECT_EQ(leader->env.exit_request, 1u);
  EXPECT_EQ(other->env.exit_request, 0u);
  group_.RequestExit(GuestExit{false, 1}, leader.get());  // Too late: the first wins.
  EXPECT_EQ(group_.group_exit(), (GuestExit{true, 11}));
  // A thread added now is stopped at once.
  auto late = Task(102);
  group_.Add(late.get());
  EXPECT_EQ(late->env.exit_request, 1u);
  // The runner's wait returns once the last one is gone.
  std::thread remover([&] {
    for (GuestProcess* t : {other.get(), late.get(), leader.get()}) {
      t->exit = GuestExit{true, 11};
      group_.Remove(t);
    }
  });
  EXPECT_EQ(group_.WaitForEnd(), (GuestExit{true, 11}));
  remover.join();
  EXPECT_EQ(group_.size(), 0u);
}

TEST_F(ThreadGroupTest, WithThreadFindsMembersOnly) {
  auto leader = Task(100);
  group_.Add(leader.get());
  leader->robust_list_head = 0x1234;
  uint64_t head = 0;
  EXPECT_TRUE(group_.WithThread(100, [&](GuestProcess& t) { head = t.robust_list_head; }));
  EXPECT_EQ(head, 0x1234u);
  EXPECT_FALSE(group_.WithThread(999, [](GuestProcess&) {}));
  // No spawner: clone(CLONE_THREAD) is ENOSYS.
  EXPECT_EQ(group_.Spawn(*leader, CloneThreadArgs{}), -ENOSYS);
}

}  // namespace
}  // namespace dbt::executor
