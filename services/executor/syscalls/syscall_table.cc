#include "services/executor/syscalls/syscall_table.h"

#include <errno.h>
#include <unistd.h>

#include <array>
#include <cinttypes>

#include "services/executor/runtime/host_signals.h"
#include "services/executor/syscalls/strace.h"

namespace dbt::executor {
namespace {

constexpr SyscallDesc kSyscalls[] = {
#define X(number, name, handler, format, flags) {number, #name, handler, format, flags},
#include "services/executor/syscalls/syscall_table.inc"
#undef X
};

constexpr int kMaxSyscall = 512;

// Direct lookup by number, built once from the table.
const std::array<const SyscallDesc*, kMaxSyscall>& Index() {
  static const auto* index = [] {
    auto* idx = new std::array<const SyscallDesc*, kMaxSyscall>();
    for (const SyscallDesc& d : kSyscalls) (*idx)[d.number] = &d;
    return idx;
  }();
  return *index;
}

// Linux restarts an interrupted ERESTARTSYS syscall when no handler runs
// for the signal, or the handler has SA_RESTART.
bool ShouldRestart(GuestProcess& proc) {
  std::optional<int> sig = proc.signals.PeekDeliverable();
  if (!sig) return true;
  const GuestSigaction& act = proc.signals.action(*sig);
  if (act.handler == kGuestSigDfl || act.handler == kGuestSigIgn) return true;
  return (act.flags & kGuestSaRestart) != 0;
}

}  // namespace

const SyscallDesc* FindSyscall(uint64_t number) {
  return number < kMaxSyscall ? Index()[number] : nullptr;
}

void DoSyscall(GuestProcess& proc) {
  riscv::CpuState& cpu = proc.cpu();
  const uint64_t number = cpu.x[17];
  const SyscallArgs args = {{cpu.x[10], cpu.x[11], cpu.x[12], cpu.x[13], cpu.x[14], cpu.x[15]}};
  const SyscallDesc* desc = FindSyscall(number);
  if (desc == nullptr) {
    if (proc.strace != nullptr) {
      fprintf(proc.strace, "%d Unknown syscall %" PRIu64 "\n", getpid(), number);
      fflush(proc.strace);
    }
    cpu.x[10] = static_cast<uint64_t>(-ENOSYS);
    cpu.pc += 4;
    return;
  }
  // A signal that came in while the guest ran up to this ecall is delivered
  // first (pc stays on the ecall, which runs after the handler returns), as
  // if it had arrived an instant earlier. A syscall then never starts with a
  // deliverable signal pending, and never fails with EINTR for it.
  if (proc.signals.PeekDeliverable()) return;
  if (proc.strace != nullptr) {
    fprintf(proc.strace, "%d %s", getpid(), FormatSyscallCall(proc, *desc, args).c_str());
    fflush(proc.strace);
  }
  const int64_t result = desc->handler(proc, args);
  if (result == kSyscallNotEntered) {
    // A signal arrived after the check above, before the host syscall
    // started: same as above.
    if (proc.strace != nullptr) {
      fputs(" = ? (signal pending: run again after it)\n", proc.strace);
      fflush(proc.strace);
    }
    return;
  }
  if (result == kSyscallNoResult) {
    if (proc.strace != nullptr) {
      fputc('\n', proc.strace);
      fflush(proc.strace);
    }
    return;
  }
  if (result == -EINTR && (desc->flags & kSysRestart) && ShouldRestart(proc)) {
    // pc stays on the ecall and a0 keeps the first argument: once pending
    // signals are delivered (and their handlers return) it runs again.
    if (proc.strace != nullptr) {
      fputs(" = -1 errno=512 (ERESTARTSYS)\n", proc.strace);
      fflush(proc.strace);
    }
    return;
  }
  if (proc.strace != nullptr) {
    fprintf(proc.strace, "%s\n", FormatSyscallResult(*desc, result).c_str());
    fflush(proc.strace);
  }
  cpu.x[10] = static_cast<uint64_t>(result);
  cpu.pc += 4;
}

}  // namespace dbt::executor
