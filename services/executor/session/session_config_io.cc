#include "services/executor/session/session_config_io.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/fd_io.h"

namespace dbt::executor {
namespace {

absl::Status WriteAll(int fd, const char* p, size_t n) {
  if (dbt::WriteAll(fd, p, n)) return absl::OkStatus();
  return absl::UnavailableError(absl::StrCat("write: ", strerror(errno)));
}

absl::Status ReadAll(int fd, char* p, size_t n) {
  while (n > 0) {
    ssize_t r = read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return absl::UnavailableError(absl::StrCat("read: ", strerror(errno)));
    if (r == 0) return absl::DataLossError("session config: unexpected end of stream");
    p += r;
    n -= static_cast<size_t>(r);
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status WriteSessionConfig(int fd, const v1::SessionConfig& config) {
  std::string bytes;
  if (!config.SerializeToString(&bytes)) return absl::InternalError("cannot serialize config");
  if (bytes.size() > kMaxSessionConfigBytes) {
    return absl::InvalidArgumentError("session config too large");
  }
  const uint32_t n = static_cast<uint32_t>(bytes.size());
  const char len[4] = {static_cast<char>(n), static_cast<char>(n >> 8), static_cast<char>(n >> 16),
                       static_cast<char>(n >> 24)};
  if (absl::Status s = WriteAll(fd, len, 4); !s.ok()) return s;
  return WriteAll(fd, bytes.data(), bytes.size());
}

absl::StatusOr<v1::SessionConfig> ReadSessionConfig(int fd) {
  unsigned char len[4];
  if (absl::Status s = ReadAll(fd, reinterpret_cast<char*>(len), 4); !s.ok()) return s;
  const uint32_t n = len[0] | (len[1] << 8) | (len[2] << 16) | (uint32_t{len[3]} << 24);
  if (n > kMaxSessionConfigBytes) return absl::DataLossError("session config: length too large");
  std::string bytes(n, '\0');
  if (absl::Status s = ReadAll(fd, bytes.data(), n); !s.ok()) return s;
  v1::SessionConfig config;
  if (!config.ParseFromString(bytes)) return absl::DataLossError("session config does not parse");
  return config;
}

}  // namespace dbt::executor
