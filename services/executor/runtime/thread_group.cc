#include "services/executor/runtime/thread_group.h"

#include <errno.h>

#include <algorithm>
#include <chrono>

#include "services/executor/runtime/guest_process.h"
#include "services/executor/runtime/host_signals.h"

namespace dbt::executor {

ThreadGroup::ThreadGroup() : runner_(pthread_self()) {}

int64_t ThreadGroup::Spawn(GuestProcess& parent, const CloneThreadArgs& args) {
  if (!spawn_) return -ENOSYS;
  return spawn_(parent, args);
}

void ThreadGroup::Add(GuestProcess* task) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (leader_ == nullptr) leader_ = task;
  threads_.push_back(task);
  if (exiting_.load(std::memory_order_relaxed)) StopLocked(task);
}

void ThreadGroup::Remove(GuestProcess* task) {
  std::lock_guard<std::mutex> lock(mutex_);
  threads_.erase(std::remove(threads_.begin(), threads_.end(), task), threads_.end());
  if (task->exit) {
    last_exit_ = *task->exit;
    if (task == leader_ && task->thread_exit) leader_exit_ = *task->exit;
  }
  // ORDER: notify under the lock; once it is released the waiter may
  // destroy this object, and the removed thread touches it no more.
  ended_.notify_all();
}

void ThreadGroup::StopLocked(GuestProcess* task) {
  __atomic_store_n(&task->env.exit_request, 1, __ATOMIC_SEQ_CST);
  if (task->signal_record != nullptr) HostSignals::Stop(task->tid, task->signal_record);
}

void ThreadGroup::RequestExit(const GuestExit& exit, const GuestProcess* from) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!group_exit_) group_exit_ = exit;
  exiting_.store(true, std::memory_order_release);
  for (GuestProcess* t : threads_) {
    if (t != from) StopLocked(t);
  }
  ended_.notify_all();  // The runner's wait starts stopping stragglers.
}

GuestExit ThreadGroup::group_exit() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return group_exit_.value_or(GuestExit{});
}

GuestExit ThreadGroup::WaitForEnd() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!threads_.empty()) {
    if (exiting_.load(std::memory_order_relaxed)) {
      for (GuestProcess* t : threads_) StopLocked(t);
      ended_.wait_for(lock, std::chrono::milliseconds(5));
    } else {
      // A thread that requests the group exit also removes itself, which
      // wakes this wait.
      ended_.wait(lock);
    }
  }
  if (group_exit_) return *group_exit_;
  if (leader_exit_) return *leader_exit_;
  return last_exit_.value_or(GuestExit{});
}

size_t ThreadGroup::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return threads_.size();
}

bool ThreadGroup::WithThread(pid_t tid, const std::function<void(GuestProcess&)>& fn) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (GuestProcess* t : threads_) {
    if (t->tid == tid) {
      fn(*t);
      return true;
    }
  }
  return false;
}

void ThreadGroup::BeforeFork() { mutex_.lock(); }

void ThreadGroup::AfterForkParent() { mutex_.unlock(); }

void ThreadGroup::AfterForkChild(GuestProcess* self) {
  // The other threads do not exist here: forget them (their tasks belong
  // to the parent's threads; the child's copies are left alone).
  threads_.assign(1, self);
  leader_ = self;
  exiting_.store(false);
  group_exit_.reset();
  leader_exit_.reset();
  last_exit_.reset();
  self->ends_process = !pthread_equal(pthread_self(), runner_);
  if (self->ends_process) runner_ = pthread_self();
  mutex_.unlock();
}

}  // namespace dbt::executor
