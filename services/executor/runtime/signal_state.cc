#include "services/executor/runtime/signal_state.h"

#include <errno.h>

#include "services/executor/runtime/host_signals.h"

namespace dbt::executor {
namespace {

bool ValidSignal(int sig) { return sig >= 1 && sig <= kGuestNsig; }

}  // namespace

void SignalActions::Set(int sig, const GuestSigaction& action, bool mirror) {
  std::lock_guard<std::mutex> lock(mutex_);
  actions_[sig - 1] = action;
  if (mirror) HostSignals::MirrorDisposition(sig, action);
}

int64_t SignalState::SetAction(int sig, const GuestSigaction* act, GuestSigaction* old) {
  if (!ValidSignal(sig)) return -EINVAL;
  if (act != nullptr && (sig == kGuestSigKill || sig == kGuestSigStop)) return -EINVAL;
  if (old != nullptr) *old = actions_->Get(sig);
  if (act == nullptr) return 0;
  GuestSigaction a = *act;
  a.mask &= ~kUnblockable;
  actions_->Set(sig, a, mirror_);
  // POSIX: setting a pending signal's action to ignore discards it. (Only
  // this thread's pending set: another thread's instance is discarded when
  // it is dequeued, see DeliverPendingSignals.)
  if (IsIgnored(sig)) pending_ &= ~SigBit(sig);
  return 0;
}

void SignalState::ResetToDefault(int sig) {
  GuestSigaction dfl = {kGuestSigDfl, 0, 0};
  actions_->Set(sig, dfl, mirror_);
}

bool SignalState::IsIgnored(int sig) const {
  const GuestSigaction a = actions_->Get(sig);
  if (a.handler == kGuestSigIgn) return true;
  return a.handler == kGuestSigDfl && GuestDefaultAction(sig) == DefaultAction::kIgnore;
}

void SignalState::SetBlocked(GuestSigset set) {
  blocked_ = set & ~kUnblockable;
  if (mirror_) HostSignals::MirrorMask(blocked_);
}

int64_t SignalState::SigProcMask(int how, const GuestSigset* set, GuestSigset* old) {
  if (old != nullptr) *old = blocked_;
  if (set == nullptr) return 0;
  switch (how) {
    case kGuestSigBlock:
      SetBlocked(blocked_ | *set);
      return 0;
    case kGuestSigUnblock:
      SetBlocked(blocked_ & ~*set);
      return 0;
    case kGuestSigSetmask:
      SetBlocked(*set);
      return 0;
    default:
      return -EINVAL;
  }
}

void SignalState::SuspendWithMask(GuestSigset temporary) {
  saved_mask_ = blocked_;
  SetBlocked(temporary);
}

void SignalState::RestoreSavedMask() {
  if (saved_mask_) {
    SetBlocked(*saved_mask_);
    saved_mask_.reset();
  }
}

bool SignalState::OnAltStack(uint64_t sp) const {
  // Linux's on_sig_stack for a downward-growing stack.
  if (altstack_.ss_size == 0) return false;
  return sp > altstack_.ss_sp && sp - altstack_.ss_sp <= altstack_.ss_size;
}

int64_t SignalState::SigAltStack(const GuestStack* ss, GuestStack* old, uint64_t sp) {
  if (old != nullptr) {
    *old = altstack_;
    old->pad = 0;
    old->ss_flags = (altstack_.ss_size == 0 ? kGuestSsDisable : 0) |
                    (OnAltStack(sp) ? kGuestSsOnStack : 0) |
                    static_cast<int32_t>(altstack_.ss_flags & kGuestSsAutoDisarm);
  }
  if (ss == nullptr) return 0;
  if (OnAltStack(sp)) return -EPERM;
  uint32_t flags = static_cast<uint32_t>(ss->ss_flags);
  uint32_t mode = flags & ~kGuestSsAutoDisarm;
  if (mode != kGuestSsDisable && mode != kGuestSsOnStack && mode != 0) return -EINVAL;
  if (mode == kGuestSsDisable) {
    altstack_ = {0, kGuestSsDisable, 0, 0};
    return 0;
  }
  if (ss->ss_size < kGuestMinSigStkSz) return -ENOMEM;
  altstack_.ss_sp = ss->ss_sp;
  altstack_.ss_size = ss->ss_size;
  altstack_.ss_flags = static_cast<int32_t>(flags & kGuestSsAutoDisarm);
  return 0;
}

GuestStack SignalState::SaveAltStackForFrame(uint64_t sp) {
  GuestStack saved;
  SigAltStack(nullptr, &saved, sp);
  if (altstack_.ss_flags & kGuestSsAutoDisarm) altstack_ = {0, kGuestSsDisable, 0, 0};
  return saved;
}

void SignalState::RestoreAltStack(const GuestStack& ss, uint64_t sp) {
  GuestStack copy = ss;
  copy.ss_flags &= ~kGuestSsOnStack;  // Describes the state; not a request.
  SigAltStack(&copy, nullptr, sp);
}

void SignalState::Queue(const GuestSiginfo& info) {
  int sig = info.si_signo;
  if (!ValidSignal(sig)) return;
  if (!(blocked_ & SigBit(sig)) && IsIgnored(sig)) return;
  // A standard signal already pending is not queued twice. (Real-time
  // signals should queue every instance; one is kept here.)
  if (pending_ & SigBit(sig)) return;
  pending_ |= SigBit(sig);
  pending_info_[sig - 1] = info;
}

void SignalState::Force(const GuestSiginfo& info) {
  int sig = info.si_signo;
  if ((blocked_ & SigBit(sig)) || actions_->Get(sig).handler == kGuestSigIgn) {
    ResetToDefault(sig);
    SetBlocked(blocked_ & ~SigBit(sig));
  }
  // A fault replaces whatever instance of the signal was pending: it is the
  // one that describes the instruction that cannot go on.
  pending_ |= SigBit(sig);
  pending_info_[sig - 1] = info;
}

void SignalState::PullHostSignals() {
  if (!mirror_ || !HostSignals::HasRecorded()) return;
  GuestSiginfo infos[kGuestNsig];
  GuestSigset got = HostSignals::Drain(infos);
  for (int sig = 1; sig <= kGuestNsig; ++sig) {
    if (got & SigBit(sig)) Queue(infos[sig - 1]);
  }
}

GuestSigset SignalState::Pending() {
  PullHostSignals();
  return pending_;
}

std::optional<int> SignalState::PeekDeliverable() {
  PullHostSignals();
  GuestSigset ready = pending_ & ~blocked_;
  if (ready == 0) return std::nullopt;
  GuestSigset sync = ready & kSynchronousSignals;
  GuestSigset pick = sync != 0 ? sync : ready;
  return __builtin_ctzll(pick) + 1;
}

std::optional<GuestSiginfo> SignalState::TakePendingIn(GuestSigset set) {
  PullHostSignals();
  GuestSigset ready = pending_ & set;
  if (ready == 0) return std::nullopt;
  int sig = __builtin_ctzll(ready) + 1;
  pending_ &= ~SigBit(sig);
  return pending_info_[sig - 1];
}

std::optional<GuestSiginfo> SignalState::Dequeue() {
  std::optional<int> sig = PeekDeliverable();
  if (!sig) return std::nullopt;
  pending_ &= ~SigBit(*sig);
  return pending_info_[*sig - 1];
}

}  // namespace dbt::executor
