// riscv64 Linux's signal ABI as the guest sees it: numbers, flags and the
// structures the kernel reads and writes (asm-generic/signal.h,
// asm-generic/siginfo.h, arch/riscv/include/uapi/asm/{sigcontext,ucontext,
// ptrace}.h, arch/riscv/kernel/signal.c). Offsets are asserted so the
// layouts cannot drift.
#ifndef DBT_SERVICES_EXECUTOR_RUNTIME_GUEST_SIGNAL_ABI_H_
#define DBT_SERVICES_EXECUTOR_RUNTIME_GUEST_SIGNAL_ABI_H_

#include <cstddef>
#include <cstdint>

namespace dbt::executor {

// Signals 1..31 have the same numbers on riscv64 and x86-64.
inline constexpr int kGuestNsig = 64;  // _NSIG: signals 1..64.
inline constexpr int kGuestSigHup = 1, kGuestSigInt = 2, kGuestSigQuit = 3, kGuestSigIll = 4,
                     kGuestSigTrap = 5, kGuestSigAbrt = 6, kGuestSigBus = 7, kGuestSigFpe = 8,
                     kGuestSigKill = 9, kGuestSigUsr1 = 10, kGuestSigSegv = 11, kGuestSigUsr2 = 12,
                     kGuestSigPipe = 13, kGuestSigAlrm = 14, kGuestSigTerm = 15,
                     kGuestSigStkflt = 16, kGuestSigChld = 17, kGuestSigCont = 18,
                     kGuestSigStop = 19, kGuestSigTstp = 20, kGuestSigTtin = 21, kGuestSigTtou = 22,
                     kGuestSigUrg = 23, kGuestSigXcpu = 24, kGuestSigXfsz = 25,
                     kGuestSigVtalrm = 26, kGuestSigProf = 27, kGuestSigWinch = 28,
                     kGuestSigIo = 29, kGuestSigPwr = 30, kGuestSigSys = 31, kGuestSigRtmin = 32;

// A guest signal set: bit (sig - 1) for signal sig.
using GuestSigset = uint64_t;
constexpr GuestSigset SigBit(int sig) { return uint64_t{1} << (sig - 1); }
inline constexpr GuestSigset kUnblockable = SigBit(kGuestSigKill) | SigBit(kGuestSigStop);
// Raised by the CPU for the instruction that just ran; delivered first.
inline constexpr GuestSigset kSynchronousSignals = SigBit(kGuestSigSegv) | SigBit(kGuestSigBus) |
                                                   SigBit(kGuestSigIll) | SigBit(kGuestSigTrap) |
                                                   SigBit(kGuestSigFpe) | SigBit(kGuestSigSys);

inline constexpr uint64_t kGuestSaNoCldStop = 0x00000001;
inline constexpr uint64_t kGuestSaNoCldWait = 0x00000002;
inline constexpr uint64_t kGuestSaSigInfo = 0x00000004;
inline constexpr uint64_t kGuestSaOnStack = 0x08000000;
inline constexpr uint64_t kGuestSaRestart = 0x10000000;
inline constexpr uint64_t kGuestSaNoDefer = 0x40000000;
inline constexpr uint64_t kGuestSaResetHand = 0x80000000;
inline constexpr uint64_t kGuestSigDfl = 0;
inline constexpr uint64_t kGuestSigIgn = 1;

inline constexpr int kGuestSigBlock = 0, kGuestSigUnblock = 1, kGuestSigSetmask = 2;

inline constexpr int kGuestSsOnStack = 1;
inline constexpr int kGuestSsDisable = 2;
inline constexpr uint32_t kGuestSsAutoDisarm = 1u << 31;
inline constexpr uint64_t kGuestMinSigStkSz = 2048;

// si_code values.
inline constexpr int kSiUser = 0, kSiKernel = 0x80, kSiQueue = -1, kSiTkill = -6;
inline constexpr int kSegvMapErr = 1, kSegvAccErr = 2;
inline constexpr int kBusAdrAln = 1, kBusAdrErr = 2;
inline constexpr int kIllIllOpc = 1;
inline constexpr int kTrapBrkpt = 1;

// struct sigaction without SA_RESTORER (riscv64 has none).
struct GuestSigaction {
  uint64_t handler;  // sa_handler / sa_sigaction, or SIG_DFL / SIG_IGN.
  uint64_t flags;
  GuestSigset mask;
};
static_assert(sizeof(GuestSigaction) == 24);

// stack_t.
struct GuestStack {
  uint64_t ss_sp;
  int32_t ss_flags;
  int32_t pad;
  uint64_t ss_size;
};
static_assert(sizeof(GuestStack) == 24);

// siginfo_t (128 bytes). The union's members this runtime fills are named;
// the rest is carried as bytes.
struct GuestSiginfo {
  int32_t si_signo;
  int32_t si_errno;
  int32_t si_code;
  int32_t pad0;
  union {
    struct {  // kill, tgkill: SI_USER, SI_TKILL.
      int32_t pid;
      uint32_t uid;
    } kill;
    struct {  // SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE.
      uint64_t addr;
    } fault;
    uint8_t bytes[112];
  } u;
};
static_assert(sizeof(GuestSiginfo) == 128);
static_assert(offsetof(GuestSiginfo, u) == 16);

// struct sigcontext: user_regs_struct (pc in place of x0, then x1..x31),
// then union __riscv_fp_state, whose largest member (the Q state) makes it
// 528 bytes and 16-byte aligned. Only the D state is used: f[32] and fcsr.
struct alignas(16) GuestSigcontext {
  uint64_t gregs[32];  // gregs[0] = pc, gregs[i] = x[i].
  uint64_t fpregs[32];
  uint32_t fcsr;
  uint8_t rest_of_q_state[528 - 256 - 4];  // Zero.
};
static_assert(sizeof(GuestSigcontext) == 256 + 528);
static_assert(offsetof(GuestSigcontext, fcsr) == 512);

struct GuestUcontext {
  uint64_t uc_flags;
  uint64_t uc_link;
  GuestStack uc_stack;
  GuestSigset uc_sigmask;
  uint8_t unused[1024 / 8 - sizeof(GuestSigset)];  // glibc's 1024-bit sigset_t.
  GuestSigcontext uc_mcontext;
};
static_assert(offsetof(GuestUcontext, uc_stack) == 16);
static_assert(offsetof(GuestUcontext, uc_sigmask) == 40);
static_assert(offsetof(GuestUcontext, uc_mcontext) == 176);
static_assert(sizeof(GuestUcontext) == 960);

struct GuestRtSigframe {
  GuestSiginfo info;
  GuestUcontext uc;
};
static_assert(offsetof(GuestRtSigframe, uc) == 128);
static_assert(sizeof(GuestRtSigframe) == 1088);

// The sigreturn trampoline the runtime maps for the guest (the kernel uses
// the vDSO's __vdso_rt_sigreturn, which is the same two instructions).
inline constexpr uint32_t kSigreturnTrampoline[2] = {
    0x08b00893,  // li a7, 139 (__NR_rt_sigreturn)
    0x00000073,  // ecall
};

// "SIGSEGV" etc.; "SIG32".."SIG64" for real-time signals.
const char* GuestSignalName(int sig);

enum class DefaultAction { kTerminate, kCoreDump, kIgnore, kStop, kContinue };
DefaultAction GuestDefaultAction(int sig);

}  // namespace dbt::executor

#endif  // DBT_SERVICES_EXECUTOR_RUNTIME_GUEST_SIGNAL_ABI_H_
