#include "services/executor/jit/memory_code_source.h"

#include <cstring>

#include "services/executor/runtime/guest_layout.h"

namespace dbt::executor {

bool MemoryCodeSource::Fetch(uint64_t addr, void* out, size_t len) const {
  if (len == 0) return true;
  if (!memory_.InRange(addr, len)) return false;
  // Every page the range touches must be executable (and so readable).
  for (uint64_t page = PageDown(addr); page < addr + len; page += kGuestPageSize) {
    if (!memory_.IsExecutable(page)) return false;
  }
  std::memcpy(out, memory_.Host(addr), len);
  return true;
}

}  // namespace dbt::executor
