// The run loop of one guest thread, and its end.
#ifndef DBT_SERVICES_EXECUTOR_RUNTIME_RUN_LOOP_H_
#define DBT_SERVICES_EXECUTOR_RUNTIME_RUN_LOOP_H_

#include "services/executor/runtime/guest_process.h"

namespace dbt::executor {

// Runs the thread's guest code (proc.engine) until the thread ends: its own
// exit (proc.thread_exit), exit_group or a fatal signal in it, or the end of
// its process requested by another thread. proc.exit is then set. Delivers
// signals, performs syscalls, turns faults and traps into guest signals.
void RunThread(GuestProcess& proc);

// What a guest thread does after RunThread, on its own host thread: asks
// the group to end if this thread ended the process, blocks every signal
// (the kernel then picks another thread for process-directed ones), leaves
// the engine, and with a clear_child_tid address writes 0 there and wakes
// one futex waiter (what pthread_join waits for), then leaves the group.
// The task and its env may be freed afterwards.
void FinishThread(GuestProcess& proc);

}  // namespace dbt::executor

#endif  // DBT_SERVICES_EXECUTOR_RUNTIME_RUN_LOOP_H_
