// Where the frontend reads guest code from. The translator is a pure
// function of the guest bytes: it never touches guest memory itself, only
// this interface. The in-process executor implements it over its guest
// memory (checking that the page is mapped and executable); a translation
// request that crossed processes carries the bytes (BufferCodeSource).
#ifndef DBT_SERVICES_TRANSLATOR_FRONTEND_RISCV_GUEST_CODE_SOURCE_H_
#define DBT_SERVICES_TRANSLATOR_FRONTEND_RISCV_GUEST_CODE_SOURCE_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

namespace dbt::frontend::riscv {

class GuestCodeSource {
 public:
  virtual ~GuestCodeSource() = default;
  // Copies the len bytes of guest code at guest address addr into out.
  // Returns false, copying nothing, when any of them cannot be fetched
  // (unmapped or not executable: a fetch fault). The frontend asks for one
  // 16-bit parcel at a time (len == 2), so a 4-byte instruction whose second
  // half lies on an unreadable page is detected parcel by parcel.
  virtual bool Fetch(uint64_t addr, void* out, size_t len) const = 0;
};

// Guest code held in a buffer: bytes[i] is the byte at guest address
// base + i; nothing else can be fetched.
class BufferCodeSource : public GuestCodeSource {
 public:
  BufferCodeSource(uint64_t base, std::span<const uint8_t> bytes) : base_(base), bytes_(bytes) {}

  bool Fetch(uint64_t addr, void* out, size_t len) const override {
    if (addr < base_ || addr - base_ > bytes_.size() || bytes_.size() - (addr - base_) < len) {
      return false;
    }
    std::memcpy(out, bytes_.data() + (addr - base_), len);
    return true;
  }

 private:
  uint64_t base_;
  std::span<const uint8_t> bytes_;
};

}  // namespace dbt::frontend::riscv

#endif  // DBT_SERVICES_TRANSLATOR_FRONTEND_RISCV_GUEST_CODE_SOURCE_H_
