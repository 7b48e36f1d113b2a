// Little-endian, fixed-width, length-prefixed byte encodings for messages
// that cross a trust boundary (the ring's payloads, cache entries): a
// ByteWriter appends fields; a ByteReader reads them back in order,
// bounds-checking every one, so a decoder written with it never reads past
// its input whatever the bytes are.
#ifndef DBT_COMMON_BYTES_BYTE_CODEC_H_
#define DBT_COMMON_BYTES_BYTE_CODEC_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/types/span.h"

namespace dbt {

class ByteWriter {
 public:
  void U8(uint8_t v) { out_.push_back(v); }
  void U32(uint32_t v) { Raw(&v, 4); }
  void U64(uint64_t v) { Raw(&v, 8); }
  // A U32 length, then the bytes.
  void Bytes(const void* p, size_t n) {
    U32(static_cast<uint32_t>(n));
    Raw(p, n);
  }
  void Raw(const void* p, size_t n) {
    const auto* b = static_cast<const uint8_t*>(p);
    out_.insert(out_.end(), b, b + n);
  }
  size_t size() const { return out_.size(); }
  std::vector<uint8_t> Take() { return std::move(out_); }

 private:
  std::vector<uint8_t> out_;
};

// Reads fields in order; the first short or refused read records an error
// naming the field, and every later read returns zero.
class ByteReader {
 public:
  explicit ByteReader(absl::Span<const uint8_t> in) : in_(in) {}
  uint8_t U8(const char* what) {
    uint8_t v = 0;
    Raw(&v, 1, what);
    return v;
  }
  uint32_t U32(const char* what) {
    uint32_t v = 0;
    Raw(&v, 4, what);
    return v;
  }
  uint64_t U64(const char* what) {
    uint64_t v = 0;
    Raw(&v, 8, what);
    return v;
  }
  // A length-prefixed byte string of at most `max` bytes.
  absl::Span<const uint8_t> Bytes(size_t max, const char* what) {
    const uint32_t n = U32(what);
    if (!error_.empty()) return {};
    if (n > max || n > in_.size() - pos_) {
      Fail(what);
      return {};
    }
    absl::Span<const uint8_t> s = in_.subspan(pos_, n);
    pos_ += n;
    return s;
  }
  // Exactly n bytes, no length prefix.
  absl::Span<const uint8_t> Fixed(size_t n, const char* what) {
    if (!error_.empty() || in_.size() - pos_ < n) {
      Fail(what);
      return {};
    }
    absl::Span<const uint8_t> s = in_.subspan(pos_, n);
    pos_ += n;
    return s;
  }
  void Fail(const char* what) {
    if (error_.empty()) error_ = what;
  }
  bool ok() const { return error_.empty(); }
  size_t remaining() const { return in_.size() - pos_; }
  // OK when every field was present and nothing follows.
  absl::Status Finish(absl::StatusCode code, const char* message) {
    if (error_.empty() && pos_ != in_.size()) error_ = "trailing bytes";
    if (error_.empty()) return absl::OkStatus();
    return absl::Status(code, absl::StrCat(message, ": bad ", error_));
  }

 private:
  void Raw(void* out, size_t n, const char* what) {
    if (!error_.empty() || in_.size() - pos_ < n) {
      Fail(what);
      return;
    }
    std::memcpy(out, in_.data() + pos_, n);
    pos_ += n;
  }
  absl::Span<const uint8_t> in_;
  size_t pos_ = 0;
  std::string error_;
};

}  // namespace dbt

#endif  // DBT_COMMON_BYTES_BYTE_CODEC_H_
