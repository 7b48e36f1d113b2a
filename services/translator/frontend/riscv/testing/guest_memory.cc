#include "services/translator/frontend/riscv/testing/guest_memory.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace dbt::frontend::riscv::testing {

GuestMemory::GuestMemory() {
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  mapping_size_ = kGuestSize + 2 * page;
  void* p = mmap(nullptr, mapping_size_, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    std::perror("GuestMemory mmap");
    std::abort();
  }
  mapping_ = static_cast<uint8_t*>(p);
  base_ = mapping_ + page;
  if (mprotect(base_, kGuestSize, PROT_READ | PROT_WRITE) != 0) {
    std::perror("GuestMemory mprotect");
    std::abort();
  }
}

GuestMemory::~GuestMemory() { munmap(mapping_, mapping_size_); }

}  // namespace dbt::frontend::riscv::testing
