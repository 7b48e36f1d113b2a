// `dbt run -jitdump`: a perf jitdump file (linux tools/perf/Documentation/
// jitdump-specification.txt) naming every TB the session runs, so that
//   perf record -k mono -o p.data -- dbt run -jitdump PROG
//   perf inject --jit -i p.data -o p.jit.data && perf report -i p.jit.data
// shows samples in generated code as "guest:0x<pc>" (perf cannot use
// /tmp/perf-PID.map for it: the code buffer is a memfd, not anonymous).
//
// The file is DIR/jit-<pid>.dump; its first page is mapped PROT_EXEC, which
// is how perf record learns of it. Records: one JIT_CODE_LOAD per TB put in
// the registry (code bytes included; a flushed buffer's addresses are reused
// by later records with later timestamps), JIT_CODE_CLOSE at the end. A
// forked child writes a file of its own.
#ifndef DBT_SERVICES_EXECUTOR_JIT_JITDUMP_H_
#define DBT_SERVICES_EXECUTOR_JIT_JITDUMP_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"

namespace dbt::executor {

inline constexpr uint32_t kJitDumpMagic = 0x4A695444;  // "JiTD"
inline constexpr uint32_t kJitDumpVersion = 1;
inline constexpr uint32_t kJitCodeLoad = 0;
inline constexpr uint32_t kJitCodeClose = 3;

class JitDump {
 public:
  // Creates dir/jit-<this pid>.dump and writes its header.
  static absl::StatusOr<std::unique_ptr<JitDump>> Create(const std::string& dir);
  // Writes JIT_CODE_CLOSE and closes the file.
  ~JitDump();
  JitDump(const JitDump&) = delete;
  JitDump& operator=(const JitDump&) = delete;

  // One TB: `size` bytes of host code at `code` (the address it runs at),
  // translated from guest_pc.
  void CodeLoad(uint64_t guest_pc, const void* code, size_t size);
  // In a forked child: stop writing the parent's file, start one for this
  // process. Errors are reported on stderr and the dump stops.
  void ReopenInChild();

  const std::string& path() const { return path_; }

 private:
  JitDump() = default;
  absl::Status Open();
  void Close(bool write_close_record);

  std::mutex mu_;
  std::string dir_;
  std::string path_;
  int fd_ = -1;
  void* marker_ = nullptr;  // the PROT_EXEC mapping perf record sees
  uint64_t next_index_ = 0;
};

}  // namespace dbt::executor

#endif  // DBT_SERVICES_EXECUTOR_JIT_JITDUMP_H_
