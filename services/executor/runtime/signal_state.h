// The signal state of one guest thread: the blocked mask from
// rt_sigprocmask, the alternate stack, signals pending delivery, and the
// dispositions from rt_sigaction, which are the process's (SignalActions,
// shared by the SignalStates of its threads). Mirrors dispositions and the
// mask onto the host (see host_signals.h) unless constructed for a unit
// test. Apart from the shared dispositions, only its own thread uses it.
#ifndef DBT_SERVICES_EXECUTOR_RUNTIME_SIGNAL_STATE_H_
#define DBT_SERVICES_EXECUTOR_RUNTIME_SIGNAL_STATE_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>

#include "services/executor/runtime/guest_signal_abi.h"

namespace dbt::executor {

// The dispositions of a process: one table for all its threads.
class SignalActions {
 public:
  GuestSigaction Get(int sig) const {
    std::lock_guard<std::mutex> lock(mutex_);
    return actions_[sig - 1];
  }
  // Sets the action of sig; with mirror, the host's too (under the same
  // lock, so host and guest agree when two threads race).
  void Set(int sig, const GuestSigaction& action, bool mirror);

 private:
  mutable std::mutex mutex_;
  GuestSigaction actions_[kGuestNsig] = {};
};

class SignalState {
 public:
  explicit SignalState(bool mirror_to_host)
      : mirror_(mirror_to_host), actions_(std::make_shared<SignalActions>()) {}
  // A new thread's state (clone with CLONE_THREAD): the parent's
  // dispositions (shared) and mask, no pending signal, no alternate stack.
  // The mask reaches the host only when the new thread calls
  // SetBlocked(blocked()) itself: a mask belongs to a host thread.
  struct NewThread {};
  SignalState(const SignalState& parent, NewThread)
      : mirror_(parent.mirror_), actions_(parent.actions_), blocked_(parent.blocked_) {}

  // rt_sigaction's semantics; either pointer may be null. -errno on error.
  int64_t SetAction(int sig, const GuestSigaction* act, GuestSigaction* old);
  GuestSigaction action(int sig) const { return actions_->Get(sig); }
  // Resets a disposition to SIG_DFL (SA_RESETHAND, forced faults).
  void ResetToDefault(int sig);
  // True when a signal generated now would be discarded.
  bool IsIgnored(int sig) const;

  GuestSigset blocked() const { return blocked_; }
  void SetBlocked(GuestSigset set);
  // rt_sigprocmask's semantics.
  int64_t SigProcMask(int how, const GuestSigset* set, GuestSigset* old);
  // rt_sigsuspend: the mask to restore once a handler has been set up (the
  // frame records it instead of the temporary one).
  void SuspendWithMask(GuestSigset temporary);
  // The mask a signal frame saves: the pre-sigsuspend one if any.
  GuestSigset MaskToSave() const { return saved_mask_ ? *saved_mask_ : blocked_; }
  void ClearSavedMask() { saved_mask_.reset(); }
  // After a sigsuspend that ran no handler: the old mask comes back.
  void RestoreSavedMask();

  // sigaltstack's semantics; sp is the guest's current stack pointer.
  int64_t SigAltStack(const GuestStack* ss, GuestStack* old, uint64_t sp);
  const GuestStack& altstack() const { return altstack_; }
  bool OnAltStack(uint64_t sp) const;
  // The uc_stack a signal frame saves (SS_ONSTACK when on it, SS_DISABLE when
  // none), and with SS_AUTODISARM, disarms the stack.
  GuestStack SaveAltStackForFrame(uint64_t sp);
  // rt_sigreturn puts the saved stack_t back (errors ignored like Linux's
  // restore_altstack apart from EFAULT).
  void RestoreAltStack(const GuestStack& ss, uint64_t sp);

  // Makes a signal pending (a fault, or one the guest sent itself). Signals
  // that are ignored and not blocked are discarded, as Linux does.
  void Queue(const GuestSiginfo& info);
  // Synchronous fault: like Linux's force_sig, a blocked or ignored fault
  // signal gets its default action (and is unblocked).
  void Force(const GuestSiginfo& info);
  // Pending signals, including those host handlers recorded.
  GuestSigset Pending();
  // The next signal to deliver (unblocked, synchronous ones first, then the
  // lowest number), removed from the pending set; nullopt if none.
  std::optional<GuestSiginfo> Dequeue();
  // Like Dequeue without removing it.
  std::optional<int> PeekDeliverable();
  // rt_sigtimedwait: removes and returns the lowest pending signal of `set`
  // whether blocked or not.
  std::optional<GuestSiginfo> TakePendingIn(GuestSigset set);

 private:
  void PullHostSignals();

  const bool mirror_;
  std::shared_ptr<SignalActions> actions_;
  GuestSigset blocked_ = 0;
  std::optional<GuestSigset> saved_mask_;
  GuestStack altstack_ = {0, kGuestSsDisable, 0, 0};
  GuestSigset pending_ = 0;
  GuestSiginfo pending_info_[kGuestNsig] = {};
};

}  // namespace dbt::executor

#endif  // DBT_SERVICES_EXECUTOR_RUNTIME_SIGNAL_STATE_H_
