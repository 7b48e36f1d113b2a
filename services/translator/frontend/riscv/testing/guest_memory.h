// A small guest address space for tests: guest addresses [0, kGuestSize)
// mapped read-write at guest_base, with an inaccessible page on each side so
// a stray access faults instead of corrupting the test.
#ifndef DBT_SERVICES_TRANSLATOR_FRONTEND_RISCV_TESTING_GUEST_MEMORY_H_
#define DBT_SERVICES_TRANSLATOR_FRONTEND_RISCV_TESTING_GUEST_MEMORY_H_

#include <cstddef>
#include <cstdint>

namespace dbt::frontend::riscv::testing {

// The layout every lockstep test uses.
inline constexpr uint64_t kGuestSize = 0x10000;
inline constexpr uint64_t kCodeBase = 0x1000;  // code: [0x1000, 0x5000)
inline constexpr uint64_t kCodeSize = 0x4000;
inline constexpr uint64_t kDataBase = 0x8000;  // data: [0x8000, 0xc000)
inline constexpr uint64_t kDataSize = 0x4000;
inline constexpr uint64_t kDataMiddle = 0xa000;  // base registers point near here

class GuestMemory {
 public:
  GuestMemory();
  ~GuestMemory();
  GuestMemory(const GuestMemory&) = delete;
  GuestMemory& operator=(const GuestMemory&) = delete;

  uint8_t* base() const { return base_; }  // guest address 0
  uint8_t* at(uint64_t addr) const { return base_ + addr; }

 private:
  uint8_t* mapping_ = nullptr;
  size_t mapping_size_ = 0;
  uint8_t* base_ = nullptr;
};

}  // namespace dbt::frontend::riscv::testing

#endif  // DBT_SERVICES_TRANSLATOR_FRONTEND_RISCV_TESTING_GUEST_MEMORY_H_
