#include "services/executor/jit/jitdump.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "common/fd_io.h"
#include "absl/strings/str_format.h"

namespace dbt::executor {
namespace {

struct FileHeader {
  uint32_t magic = kJitDumpMagic;
  uint32_t version = kJitDumpVersion;
  uint32_t total_size = sizeof(FileHeader);
  uint32_t elf_mach = EM_X86_64;
  uint32_t pad1 = 0;
  uint32_t pid = 0;
  uint64_t timestamp = 0;
  uint64_t flags = 0;
};
static_assert(sizeof(FileHeader) == 40);

struct RecordHeader {
  uint32_t id = 0;
  uint32_t total_size = 0;
  uint64_t timestamp = 0;
};

struct CodeLoadBody {
  uint32_t pid = 0;
  uint32_t tid = 0;
  uint64_t vma = 0;
  uint64_t code_addr = 0;
  uint64_t code_size = 0;
  uint64_t code_index = 0;
};
static_assert(sizeof(RecordHeader) == 16 && sizeof(CodeLoadBody) == 40);

}  // namespace

absl::StatusOr<std::unique_ptr<JitDump>> JitDump::Create(const std::string& dir) {
  std::unique_ptr<JitDump> dump(new JitDump());
  dump->dir_ = dir;
  if (absl::Status s = dump->Open(); !s.ok()) return s;
  return dump;
}

absl::Status JitDump::Open() {
  path_ = absl::StrCat(dir_, "/jit-", getpid(), ".dump");
  fd_ = open(path_.c_str(), O_CREAT | O_TRUNC | O_RDWR | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("-jitdump: cannot create ", path_, ": ", strerror(errno)));
  }
  FileHeader header;
  header.pid = static_cast<uint32_t>(getpid());
  header.timestamp = MonotonicNs();
  if (!WriteAll(fd_, &header, sizeof header)) {
    Close(false);
    return absl::InternalError(absl::StrCat("-jitdump: cannot write ", path_));
  }
  marker_ = mmap(nullptr, static_cast<size_t>(sysconf(_SC_PAGESIZE)), PROT_READ | PROT_EXEC,
                 MAP_PRIVATE, fd_, 0);
  if (marker_ == MAP_FAILED) {
    marker_ = nullptr;
    Close(false);
    return absl::InternalError(absl::StrCat("-jitdump: cannot map ", path_, ": ", strerror(errno)));
  }
  return absl::OkStatus();
}

void JitDump::Close(bool write_close_record) {
  if (fd_ >= 0 && write_close_record) {
    RecordHeader close_record{kJitCodeClose, sizeof(RecordHeader), MonotonicNs()};
    (void)WriteAll(fd_, &close_record, sizeof close_record);
  }
  if (marker_ != nullptr) munmap(marker_, static_cast<size_t>(sysconf(_SC_PAGESIZE)));
  marker_ = nullptr;
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

JitDump::~JitDump() {
  std::lock_guard<std::mutex> lock(mu_);
  Close(true);
}

void JitDump::CodeLoad(uint64_t guest_pc, const void* code, size_t size) {
  std::lock_guard<std::mutex> lock(mu_);
  if (fd_ < 0) return;
  const std::string name = absl::StrFormat("guest:0x%x", guest_pc);
  RecordHeader header;
  header.id = kJitCodeLoad;
  header.total_size =
      static_cast<uint32_t>(sizeof(RecordHeader) + sizeof(CodeLoadBody) + name.size() + 1 + size);
  header.timestamp = MonotonicNs();
  CodeLoadBody body;
  body.pid = static_cast<uint32_t>(getpid());
  body.tid = static_cast<uint32_t>(syscall(SYS_gettid));
  body.vma = body.code_addr = reinterpret_cast<uint64_t>(code);
  body.code_size = size;
  body.code_index = next_index_++;
  // One write per record would be atomic for readers; the mutex already
  // orders writers, so a failed write only ends the dump.
  if (!WriteAll(fd_, &header, sizeof header) || !WriteAll(fd_, &body, sizeof body) ||
      !WriteAll(fd_, name.c_str(), name.size() + 1) || !WriteAll(fd_, code, size)) {
    fprintf(stderr, "dbt: -jitdump: cannot write %s: %s; the dump stops here\n", path_.c_str(),
            strerror(errno));
    Close(false);
  }
}

void JitDump::ReopenInChild() {
  std::lock_guard<std::mutex> lock(mu_);
  Close(false);  // the parent's file, still the parent's to finish
  next_index_ = 0;
  if (absl::Status s = Open(); !s.ok()) {
    fprintf(stderr, "dbt: %s; no jitdump for pid %d\n", std::string(s.message()).c_str(),
            static_cast<int>(getpid()));
  }
}

}  // namespace dbt::executor
