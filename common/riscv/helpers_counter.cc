// Counter CSR helpers: cycle, time, instret.
//
// Generated code does not count retired instructions (that would cost a
// memory update per TB), so, like qemu-user, cycle and instret read a host
// clock: monotonic and advancing, not a count of guest instructions. The
// reference interpreter, which does count, keeps cpu.instret exact; the two
// engines agree on everything else, which is why differential tests leave
// these CSRs out. time is the host's monotonic clock in nanoseconds.
#include <cstdint>

#include "common/clock.h"
#include "common/riscv/helpers.h"

namespace dbt::riscv {

uint64_t HelperReadCycle(GuestEnv* env) { return dbt::MonotonicNs(); }
uint64_t HelperReadTime(GuestEnv* env) { return dbt::MonotonicNs(); }
uint64_t HelperReadInstret(GuestEnv* env) { return dbt::MonotonicNs(); }

}  // namespace dbt::riscv
