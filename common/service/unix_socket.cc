#include "common/service/unix_socket.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"

namespace dbt {

bool UnixSocketIsLive(const std::string& path) {
  if (path.size() > kMaxUnixSocketPath) return false;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  memcpy(addr.sun_path, path.data(), path.size());
  // gRPC listens on stream sockets, the translator's data socket is
  // SOCK_SEQPACKET: connecting with the wrong type fails with EPROTOTYPE,
  // which still means someone listens there.
  for (int type : {SOCK_STREAM, SOCK_SEQPACKET}) {
    int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    const int rc = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    const int err = errno;
    close(fd);
    if (rc == 0) return true;
    if (err != EPROTOTYPE) return false;
  }
  return false;
}

absl::Status PrepareUnixSocketPath(const std::string& path) {
  if (path.empty()) return absl::InvalidArgumentError("empty unix socket path");
  if (path.size() > kMaxUnixSocketPath) {
    return absl::InvalidArgumentError(absl::StrCat("unix socket path is ", path.size(),
                                                   " bytes; the limit is ", kMaxUnixSocketPath,
                                                   ": ", path));
  }
  std::string dir = ".";
  if (size_t slash = path.rfind('/'); slash != std::string::npos) {
    dir = slash == 0 ? "/" : path.substr(0, slash);
  }
  struct stat st;
  if (stat(dir.c_str(), &st) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("socket directory ", dir, " is not usable: ", strerror(errno)));
  }
  if (!S_ISDIR(st.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat(dir, " is not a directory"));
  }
  if (lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      return absl::AlreadyExistsError(
          absl::StrCat(path, " exists and is not a socket; refusing to replace it"));
    }
    if (UnixSocketIsLive(path)) {
      return absl::AlreadyExistsError(
          absl::StrCat("socket ", path, " is already in use by another process"));
    }
    if (unlink(path.c_str()) != 0) {
      return absl::PermissionDeniedError(
          absl::StrCat("cannot remove stale socket ", path, ": ", strerror(errno)));
    }
  }
  // The definitive test is a bind(): permission bits do not stop root, but a
  // read-only or pseudo file system (e.g. /proc) still refuses.
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::InternalError(absl::StrCat("socket(): ", strerror(errno)));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  memcpy(addr.sun_path, path.data(), path.size());
  int rc = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  int bind_errno = errno;
  close(fd);
  if (rc != 0) {
    return absl::PermissionDeniedError(absl::StrCat("cannot create a socket in ", dir, ": ",
                                                    strerror(bind_errno)));
  }
  unlink(path.c_str());
  return absl::OkStatus();
}

}  // namespace dbt
