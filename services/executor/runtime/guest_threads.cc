#include "services/executor/runtime/guest_threads.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <condition_variable>
#include <memory>
#include <mutex>

#include "common/riscv/interpreter.h"
#include "services/executor/runtime/guest_runner.h"
#include "services/executor/runtime/host_signals.h"
#include "services/executor/runtime/run_loop.h"

namespace dbt::executor {
namespace {

constexpr uint64_t kCloneSettls = 0x80000, kCloneParentSettid = 0x100000,
                   kCloneChildCleartid = 0x200000, kCloneChildSettid = 0x01000000;

// Handed from the cloning thread to the new one. The new thread owns env
// and task; `tid` and `started` live on the cloning thread's stack until
// started is set.
struct ThreadStart {
  std::unique_ptr<GuestEnv> env;
  std::unique_ptr<GuestProcess> task;
  CloneThreadArgs args;
  std::mutex mutex;
  std::condition_variable cv;
  bool started = false;
  pid_t tid = 0;
};

void* ThreadMain(void* arg) {
  ThreadStart* start = static_cast<ThreadStart*>(arg);
  std::unique_ptr<GuestEnv> env = std::move(start->env);
  std::unique_ptr<GuestProcess> task = std::move(start->task);
  const CloneThreadArgs args = start->args;
  // Every signal but the fault ones is blocked here (the cloning thread
  // blocked them around pthread_create): nothing is recorded for this
  // thread before it is bound.
  task->tid = gettid();
  task->signal_record = HostSignals::BindThread(&env->exit_request);
  const int32_t tid = task->tid;
  if (args.flags & kCloneParentSettid) task->memory.CopyToGuest(args.parent_tid, &tid, 4);
  if (args.flags & kCloneChildSettid) task->memory.CopyToGuest(args.child_tid, &tid, 4);
  task->group->Add(task.get());
  {
    std::lock_guard<std::mutex> lock(start->mutex);
    start->tid = tid;
    start->started = true;
    start->cv.notify_one();
  }
  // `start` is gone from here on.
  task->signals.SetBlocked(task->signals.blocked());  // The guest mask, on this host thread.
  RunThread(*task);
  const bool ends_process = task->ends_process;
  ThreadGroup* group = task->group;
  FinishThread(*task);
  if (ends_process) {
    // The child of a fork this thread made: no runner waits for the group.
    ExitLikeGuest(group->WaitForEnd());
  }
  return nullptr;
}

}  // namespace

int64_t CloneGuestThread(GuestProcess& parent, const CloneThreadArgs& args) {
  ThreadStart start;
  start.args = args;
  start.env = std::make_unique<GuestEnv>();
  GuestEnv& env = *start.env;
  env.cpu = parent.env.cpu;
  env.guest_base = parent.env.guest_base;
  // The child returns from the same ecall with 0.
  env.cpu.pc += 4;
  env.cpu.x[10] = 0;
  if (args.newsp != 0) env.cpu.x[2] = args.newsp;
  if (args.flags & kCloneSettls) env.cpu.x[4] = args.tls;
  env.cpu.reservation_addr = riscv::kNoReservation;
  start.task = std::make_unique<GuestProcess>(parent, env);
  if (args.flags & kCloneChildCleartid) start.task->clear_child_tid = args.child_tid;
  parent.engine->AttachThread(env);

  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  // The new thread starts with every signal but the fault ones blocked; it
  // sets the guest mask once its signal record is bound.
  sigset_t all, old;
  sigfillset(&all);
  sigdelset(&all, SIGSEGV);
  sigdelset(&all, SIGBUS);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  pthread_t thread;
  const int err = pthread_create(&thread, &attr, ThreadMain, &start);
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  pthread_attr_destroy(&attr);
  if (err != 0) {
    parent.engine->DetachThread(env);
    return -EAGAIN;
  }
  std::unique_lock<std::mutex> lock(start.mutex);
  start.cv.wait(lock, [&] { return start.started; });
  return start.tid;
}

}  // namespace dbt::executor
