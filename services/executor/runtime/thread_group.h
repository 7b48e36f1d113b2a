// The threads of one guest process (Linux's thread group): which guest
// threads are alive, how the process ends, and the difference between one
// thread leaving (exit) and all of them (exit_group, a fatal signal).
//
// Every guest thread is a host thread of this process running its own run
// loop over its own GuestProcess (task). A thread registers itself (Add)
// before it runs guest code and unregisters (Remove) as the last thing it
// does with anything shared; the runner (RunGuest's thread) then waits for
// the group to be empty (WaitForEnd) before it tears the process down, so
// no thread outlives the memory, the engine or this object.
#ifndef DBT_SERVICES_EXECUTOR_RUNTIME_THREAD_GROUP_H_
#define DBT_SERVICES_EXECUTOR_RUNTIME_THREAD_GROUP_H_

#include <pthread.h>
#include <sys/types.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <vector>

namespace dbt::executor {

struct GuestProcess;

// How the process ended: exit_group(status), the last thread's exit, or
// death by a signal.
struct GuestExit {
  bool signaled = false;
  int status_or_signal = 0;  // Exit status (0..255) or guest signal number.
  bool operator==(const GuestExit&) const = default;
};

// clone's arguments for a new thread (riscv64 order: flags, newsp,
// parent_tid, tls, child_tid).
struct CloneThreadArgs {
  uint64_t flags = 0;
  uint64_t newsp = 0;
  uint64_t parent_tid = 0;
  uint64_t tls = 0;
  uint64_t child_tid = 0;
};

class ThreadGroup {
 public:
  // Creates a thread for clone(CLONE_THREAD): returns its tid or -errno.
  // The runner provides it (it owns the run loop the thread runs).
  using SpawnFn = std::function<int64_t(GuestProcess& parent, const CloneThreadArgs& args)>;

  // The calling host thread is the runner: it runs the leader and ends the
  // process once the group is empty.
  ThreadGroup();

  void set_spawn(SpawnFn spawn) { spawn_ = std::move(spawn); }
  // -ENOSYS when no SpawnFn was set (a lone task in a unit test).
  int64_t Spawn(GuestProcess& parent, const CloneThreadArgs& args);

  // Registers a task whose tid and signal_record are set. The first one is
  // the leader. A task added while the group is exiting is stopped at once.
  void Add(GuestProcess* task);
  // Unregisters a task whose thread has ended (task->exit set): its last
  // access to the group. The process ends when the last one is removed.
  void Remove(GuestProcess* task);

  // exit_group or a fatal signal in `from`: records how the process ends
  // (the first request wins) and stops every other thread (their
  // exit_request is set and their blocking syscalls interrupted, see
  // HostSignals::Stop).
  void RequestExit(const GuestExit& exit, const GuestProcess* from);
  // True once RequestExit was called: every run loop leaves.
  bool exiting() const { return exiting_.load(std::memory_order_acquire); }
  // The exit RequestExit recorded (only when exiting()).
  GuestExit group_exit() const;

  // Waits until every thread has been removed, stopping the remaining ones
  // again every few milliseconds while the group exits (a stop can land
  // just before a thread enters a blocking host syscall outside
  // SafeSyscall). Returns how the process ended: the group exit if there
  // was one, else the leader's exit status (Linux reports the leader's
  // exit_code when the last thread leaves with plain exit).
  GuestExit WaitForEnd();

  size_t size() const;
  // Runs fn on the thread `tid` of this group, under the group's lock (fn
  // must be short and take no other runtime lock). False when there is none.
  bool WithThread(pid_t tid, const std::function<void(GuestProcess&)>& fn);

  // fork(): the group's lock is held across it, so the child does not
  // inherit it mid-change. In the child, `self` (the forking thread) is the
  // only thread and the leader; if it is not the runner, it must end the
  // process itself when its group ends (self->ends_process is set).
  void BeforeFork();
  void AfterForkParent();
  void AfterForkChild(GuestProcess* self);

 private:
  void StopLocked(GuestProcess* task);

  mutable std::mutex mutex_;
  std::condition_variable ended_;
  std::vector<GuestProcess*> threads_;
  GuestProcess* leader_ = nullptr;
  pthread_t runner_;
  std::atomic<bool> exiting_{false};
  std::optional<GuestExit> group_exit_;
  std::optional<GuestExit> leader_exit_;  // The leader left with exit (93).
  std::optional<GuestExit> last_exit_;    // The last thread removed.
  SpawnFn spawn_;
};

}  // namespace dbt::executor

#endif  // DBT_SERVICES_EXECUTOR_RUNTIME_THREAD_GROUP_H_
