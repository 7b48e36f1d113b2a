// Guest threads on host threads: clone(CLONE_THREAD) for the syscalls.
#ifndef DBT_SERVICES_EXECUTOR_RUNTIME_GUEST_THREADS_H_
#define DBT_SERVICES_EXECUTOR_RUNTIME_GUEST_THREADS_H_

#include "services/executor/runtime/guest_process.h"

namespace dbt::executor {

// Starts a guest thread for the clone syscall made by `parent` (pc on its
// ecall): a new host thread with its own GuestEnv (the parent's registers
// with a0 = 0, pc after the ecall, sp = newsp if given, tp = tls with
// CLONE_SETTLS), its own signal state (the parent's mask) and task, in the
// parent's group and engine. PARENT_SETTID and CHILD_SETTID are written
// before this returns the new tid (-errno on failure). The ThreadGroup's
// SpawnFn.
int64_t CloneGuestThread(GuestProcess& parent, const CloneThreadArgs& args);

}  // namespace dbt::executor

#endif  // DBT_SERVICES_EXECUTOR_RUNTIME_GUEST_THREADS_H_
