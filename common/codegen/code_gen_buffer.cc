#include "common/codegen/code_gen_buffer.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/codegen/prologue.h"
#include "common/fd_io.h"

namespace dbt::codegen {
namespace {

constexpr size_t kMinBufferSize = size_t{1} << 20;
constexpr size_t kMaxBufferSize = size_t{1} << 30;
constexpr size_t kMinRegionSize = size_t{64} << 10;

size_t PageSize() { return static_cast<size_t>(sysconf(_SC_PAGESIZE)); }
size_t AlignUp(size_t v, size_t a) { return (v + a - 1) / a * a; }

absl::Status Errno(std::string_view what) {
  return absl::InternalError(absl::StrCat(std::string(what), ": ", strerror(errno)));
}

// Layout shared by Create and Attach: [prologue page][guard] then
// (region, guard) pairs.
size_t FirstRegionOffset() { return 2 * PageSize(); }

}  // namespace

size_t DefaultCodeGenBufferSize() {
  size_t phys = static_cast<size_t>(sysconf(_SC_PHYS_PAGES)) * PageSize();
  return std::clamp(phys / 8, kMinBufferSize, kMaxBufferSize);
}

size_t DefaultRegionSize(size_t buffer_size) {
  return AlignUp(std::clamp(buffer_size / 64, size_t{256} << 10, size_t{16} << 20), PageSize());
}

absl::StatusOr<std::unique_ptr<CodeGenBuffer>> CodeGenBuffer::Create(
    const CodeGenBufferOptions& options) {
  size_t size = options.size ? options.size : DefaultCodeGenBufferSize();
  size_t region =
      options.region_size ? AlignUp(options.region_size, PageSize()) : DefaultRegionSize(size);
  region = std::max(region, kMinRegionSize);
  int fd =
      MoveFdAboveGuestFds(memfd_create("dbt-code-gen-buffer", MFD_CLOEXEC | MFD_ALLOW_SEALING));
  if (fd < 0) return Errno("memfd_create");
  size_t n = size > FirstRegionOffset() ? (size - FirstRegionOffset()) / (region + PageSize()) : 0;
  if (n == 0) n = 1;
  size = FirstRegionOffset() + n * (region + PageSize());
  if (ftruncate(fd, static_cast<off_t>(size)) != 0) {
    absl::Status s = Errno("ftruncate code_gen_buffer");
    close(fd);
    return s;
  }
  // Sealed size: a process that maps the buffer (the translator, an
  // executor) cannot be made to fault by the other shrinking it.
  if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0) {
    absl::Status s = Errno("seal code_gen_buffer");
    close(fd);
    return s;
  }
  absl::StatusOr<std::unique_ptr<CodeGenBuffer>> buffer = Attach(fd, size, region, Views::kBoth);
  if (!buffer.ok()) return buffer.status();
  WritePrologue((*buffer)->rw_);
  return buffer;
}

absl::StatusOr<std::unique_ptr<CodeGenBuffer>> CodeGenBuffer::Attach(int fd, size_t size,
                                                                     size_t region_size,
                                                                     Views views) {
  std::unique_ptr<CodeGenBuffer> buffer(new CodeGenBuffer());
  buffer->fd_ = fd;
  struct stat st;
  if (fstat(fd, &st) != 0 || st.st_size < 0 || static_cast<size_t>(st.st_size) != size) {
    return absl::InvalidArgumentError("code_gen_buffer: the fd's size is not the buffer's");
  }
  const int seals = fcntl(fd, F_GET_SEALS);
  if (seals < 0 || (seals & F_SEAL_SHRINK) == 0) {
    return absl::InvalidArgumentError(
        "code_gen_buffer: the fd is not a memfd sealed against shrinking");
  }
  buffer->size_ = size;
  buffer->region_size_ = region_size;
  if (region_size == 0 || region_size % PageSize() != 0 || size < FirstRegionOffset() ||
      region_size > size) {
    return absl::InvalidArgumentError("code_gen_buffer: bad size or region size");
  }
  buffer->num_regions_ =
      static_cast<int>((size - FirstRegionOffset()) / (region_size + PageSize()));
  if (buffer->num_regions_ == 0) return absl::InvalidArgumentError("code_gen_buffer: no region");
  if (absl::Status s = buffer->MapViews(views); !s.ok()) return s;
  buffer->cursor_ = buffer->region_start(0);
  return buffer;
}

absl::Status CodeGenBuffer::MapViews(Views views) {
  if (views != Views::kReadExecute) {
    void* rw = mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
    if (rw == MAP_FAILED) return Errno("mmap code_gen_buffer RW");
    rw_ = static_cast<uint8_t*>(rw);
  }
  if (views != Views::kReadWrite) {
    void* rx = mmap(nullptr, size_, PROT_READ | PROT_EXEC, MAP_SHARED, fd_, 0);
    if (rx == MAP_FAILED) return Errno("mmap code_gen_buffer RX");
    rx_ = static_cast<const uint8_t*>(rx);
  }
  // Guard pages after the prologue and after each region, in both views.
  for (int r = -1; r < num_regions_; ++r) {
    size_t guard = r < 0 ? PageSize() : region_start(r) + region_size_;
    if (rw_ && mprotect(rw_ + guard, PageSize(), PROT_NONE) != 0) return Errno("mprotect guard");
    if (rx_ && mprotect(const_cast<uint8_t*>(rx_) + guard, PageSize(), PROT_NONE) != 0) {
      return Errno("mprotect guard");
    }
  }
  return absl::OkStatus();
}

CodeGenBuffer::~CodeGenBuffer() {
  if (rw_) munmap(rw_, size_);
  if (rx_) munmap(const_cast<uint8_t*>(rx_), size_);
  if (fd_ >= 0) close(fd_);
}

size_t CodeGenBuffer::region_start(int region) const {
  return FirstRegionOffset() + static_cast<size_t>(region) * (region_size_ + PageSize());
}

uint64_t CodeGenBuffer::EnterGeneratedCode(GuestEnv* env, const void* tb_rx_code) const {
  using EnterFn = uint64_t (*)(GuestEnv*, const void*);
  auto enter = reinterpret_cast<EnterFn>(const_cast<uint8_t*>(rx_ + kEnterOffset));
  return enter(env, tb_rx_code);
}

CodeSpan CodeGenBuffer::FreeSpan() const {
  size_t end = region_start(current_region_) + region_size_;
  return {cursor_, end - cursor_};
}

void CodeGenBuffer::Commit(size_t used) {
  size_t end = region_start(current_region_) + region_size_;
  cursor_ = std::min(end, AlignUp(cursor_ + used, 16));
}

bool CodeGenBuffer::NextRegion() {
  if (current_region_ + 1 >= num_regions_) return false;
  bytes_in_full_regions_ += cursor_ - region_start(current_region_);
  ++current_region_;
  cursor_ = region_start(current_region_);
  return true;
}

absl::StatusOr<size_t> CodeGenBuffer::Place(const uint8_t* code, size_t size) {
  if (size == 0 || size > region_size_) {
    return absl::OutOfRangeError("code larger than a code_gen_buffer region");
  }
  while (FreeSpan().size < size) {
    if (!NextRegion()) return absl::ResourceExhaustedError("code_gen_buffer full: flush first");
  }
  const size_t offset = cursor_;
  std::memcpy(rw_ + offset, code, size);
  Commit(size);
  return offset;
}

absl::Status CodeGenBuffer::SkipTo(size_t offset) {
  for (int r = current_region_; r < num_regions_; ++r) {
    const size_t start = region_start(r);
    if (offset < start || offset > start + region_size_) continue;
    if (r == current_region_ && offset < cursor_) break;
    while (current_region_ < r) NextRegion();
    cursor_ = AlignUp(offset, 16);
    if (cursor_ > start + region_size_) cursor_ = start + region_size_;
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat("code_gen_buffer offset ", offset, " is not free space of a region"));
}

void CodeGenBuffer::Flush() {
  current_region_ = 0;
  cursor_ = region_start(0);
  bytes_in_full_regions_ = 0;
  ++flush_count_;
}

size_t CodeGenBuffer::bytes_used() const {
  return bytes_in_full_regions_ + (cursor_ - region_start(current_region_));
}

}  // namespace dbt::codegen
