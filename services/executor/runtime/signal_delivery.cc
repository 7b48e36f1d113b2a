#include "services/executor/runtime/signal_delivery.h"

#include <signal.h>
#include <unistd.h>

#include <cinttypes>
#include <cstring>

namespace dbt::executor {
namespace {

void ForceSegv(GuestProcess& proc, int delivering) {
  // Linux's force_sigsegv: a SIGSEGV that cannot be delivered kills.
  if (delivering == kGuestSigSegv) proc.signals.ResetToDefault(kGuestSigSegv);
  GuestSiginfo info = {};
  info.si_signo = kGuestSigSegv;
  info.si_code = kSiKernel;
  proc.signals.Force(info);
}

uint32_t Fcsr(const riscv::CpuState& cpu) { return (cpu.frm & 7) << 5 | (cpu.fflags & 0x1f); }

}  // namespace

void StraceSignal(GuestProcess& proc, const GuestSiginfo& info) {
  if (proc.strace == nullptr) return;
  const char* name = GuestSignalName(info.si_signo);
  switch (info.si_signo) {
    case kGuestSigSegv:
    case kGuestSigBus:
    case kGuestSigIll:
    case kGuestSigTrap:
    case kGuestSigFpe:
      if (info.si_code > 0) {
        fprintf(proc.strace, "--- %s {si_signo=%s, si_code=%d, si_addr=0x%" PRIx64 "} ---\n", name,
                name, info.si_code, info.u.fault.addr);
        break;
      }
      [[fallthrough]];
    default:
      fprintf(proc.strace, "--- %s {si_signo=%s, si_code=%d, si_pid=%d, si_uid=%u} ---\n", name,
              name, info.si_code, info.u.kill.pid, info.u.kill.uid);
  }
  fflush(proc.strace);
}

bool SetupSignalFrame(GuestProcess& proc, const GuestSiginfo& info, const GuestSigaction& act) {
  riscv::CpuState& cpu = proc.cpu();
  SignalState& signals = proc.signals;
  const int sig = info.si_signo;
  const uint64_t sp = cpu.x[2];

  // get_sigframe + sigsp: switch to the alternate stack for SA_ONSTACK when
  // one is set up and we are not on it already.
  uint64_t top = sp;
  if ((act.flags & kGuestSaOnStack) && signals.altstack().ss_size != 0 && !signals.OnAltStack(sp)) {
    top = signals.altstack().ss_sp + signals.altstack().ss_size;
  }
  const uint64_t frame_addr = (top - sizeof(GuestRtSigframe)) & ~uint64_t{15};
  // Already on the alternate stack and the frame would run off it.
  if (signals.OnAltStack(sp) && !signals.OnAltStack(frame_addr)) {
    ForceSegv(proc, sig);
    return false;
  }
  if (frame_addr > top || !proc.memory.PrepareWrite(frame_addr, sizeof(GuestRtSigframe))) {
    ForceSegv(proc, sig);
    return false;
  }

  GuestRtSigframe frame;
  memset(&frame, 0, sizeof(frame));
  frame.info = info;
  frame.uc.uc_flags = 0;
  frame.uc.uc_link = 0;
  frame.uc.uc_stack = signals.SaveAltStackForFrame(sp);
  frame.uc.uc_sigmask = signals.MaskToSave();
  signals.ClearSavedMask();
  frame.uc.uc_mcontext.gregs[0] = cpu.pc;
  for (int i = 1; i < 32; ++i) frame.uc.uc_mcontext.gregs[i] = cpu.x[i];
  for (int i = 0; i < 32; ++i) frame.uc.uc_mcontext.fpregs[i] = cpu.f[i];
  frame.uc.uc_mcontext.fcsr = Fcsr(cpu);
  memcpy(proc.memory.Host(frame_addr), &frame, sizeof(frame));

  // ORDER: the mask and one-shot reset follow the frame (Linux's
  // signal_delivered after setup_rt_frame succeeded).
  GuestSigset blocked = signals.blocked() | act.mask;
  if (!(act.flags & kGuestSaNoDefer)) blocked |= SigBit(sig);
  signals.SetBlocked(blocked);
  if (act.flags & kGuestSaResetHand) {
    GuestSigaction reset = act;
    reset.handler = kGuestSigDfl;
    signals.SetAction(sig, &reset, nullptr);
  }

  cpu.x[1] = proc.sigreturn_trampoline;
  cpu.x[2] = frame_addr;
  cpu.x[10] = static_cast<uint64_t>(sig);
  cpu.x[11] = frame_addr + offsetof(GuestRtSigframe, info);
  cpu.x[12] = frame_addr + offsetof(GuestRtSigframe, uc);
  cpu.pc = act.handler;
  return true;
}

bool RestoreSignalFrame(GuestProcess& proc) {
  riscv::CpuState& cpu = proc.cpu();
  const uint64_t frame_addr = cpu.x[2];
  GuestRtSigframe frame;
  if (!proc.memory.CopyFromGuest(&frame, frame_addr, sizeof(frame))) {
    ForceSegv(proc, 0);
    return false;
  }
  proc.signals.SetBlocked(frame.uc.uc_sigmask);
  const GuestSigcontext& mc = frame.uc.uc_mcontext;
  cpu.pc = mc.gregs[0];
  for (int i = 1; i < 32; ++i) cpu.x[i] = mc.gregs[i];
  for (int i = 0; i < 32; ++i) cpu.f[i] = mc.fpregs[i];
  cpu.fflags = mc.fcsr & 0x1f;
  cpu.frm = (mc.fcsr >> 5) & 7;
  proc.signals.RestoreAltStack(frame.uc.uc_stack, cpu.x[2]);
  return true;
}

void DeliverPendingSignals(GuestProcess& proc) {
  while (!proc.exit) {
    std::optional<GuestSiginfo> info = proc.signals.Dequeue();
    if (!info) break;
    const int sig = info->si_signo;
    const GuestSigaction act = proc.signals.action(sig);
    if (act.handler == kGuestSigIgn) continue;
    StraceSignal(proc, *info);
    if (act.handler != kGuestSigDfl) {
      SetupSignalFrame(proc, *info, act);
      continue;
    }
    switch (GuestDefaultAction(sig)) {
      case DefaultAction::kIgnore:
      case DefaultAction::kContinue:
        break;
      case DefaultAction::kStop:
        // Stop for real; the shell sees a stopped job and may SIGCONT us.
        kill(getpid(), SIGSTOP);
        break;
      case DefaultAction::kTerminate:
      case DefaultAction::kCoreDump:
        proc.exit = GuestExit{true, sig};
        break;
    }
  }
  // A sigsuspend that ran no handler gets its old mask back.
  if (!proc.exit) proc.signals.RestoreSavedMask();
}

}  // namespace dbt::executor
