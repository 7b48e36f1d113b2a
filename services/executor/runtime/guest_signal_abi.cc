#include "services/executor/runtime/guest_signal_abi.h"

namespace dbt::executor {

const char* GuestSignalName(int sig) {
  static const char* const kNames[] = {
      "SIG0",      "SIGHUP",  "SIGINT",    "SIGQUIT", "SIGILL",   "SIGTRAP", "SIGABRT", "SIGBUS",
      "SIGFPE",    "SIGKILL", "SIGUSR1",   "SIGSEGV", "SIGUSR2",  "SIGPIPE", "SIGALRM", "SIGTERM",
      "SIGSTKFLT", "SIGCHLD", "SIGCONT",   "SIGSTOP", "SIGTSTP",  "SIGTTIN", "SIGTTOU", "SIGURG",
      "SIGXCPU",   "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO",   "SIGPWR",  "SIGSYS"};
  static const char* const kRt[] = {"SIG32", "SIG33", "SIG34", "SIG35", "SIG36", "SIG37", "SIG38",
                                    "SIG39", "SIG40", "SIG41", "SIG42", "SIG43", "SIG44", "SIG45",
                                    "SIG46", "SIG47", "SIG48", "SIG49", "SIG50", "SIG51", "SIG52",
                                    "SIG53", "SIG54", "SIG55", "SIG56", "SIG57", "SIG58", "SIG59",
                                    "SIG60", "SIG61", "SIG62", "SIG63", "SIG64"};
  if (sig >= 0 && sig < 32) return kNames[sig];
  if (sig >= 32 && sig <= kGuestNsig) return kRt[sig - 32];
  return "SIG?";
}

DefaultAction GuestDefaultAction(int sig) {
  switch (sig) {
    case kGuestSigQuit:
    case kGuestSigIll:
    case kGuestSigTrap:
    case kGuestSigAbrt:
    case kGuestSigBus:
    case kGuestSigFpe:
    case kGuestSigSegv:
    case kGuestSigXcpu:
    case kGuestSigXfsz:
    case kGuestSigSys:
      return DefaultAction::kCoreDump;
    case kGuestSigChld:
    case kGuestSigUrg:
    case kGuestSigWinch:
      return DefaultAction::kIgnore;
    case kGuestSigCont:
      return DefaultAction::kContinue;
    case kGuestSigStop:
    case kGuestSigTstp:
    case kGuestSigTtin:
    case kGuestSigTtou:
      return DefaultAction::kStop;
    default:
      return DefaultAction::kTerminate;
  }
}

}  // namespace dbt::executor
