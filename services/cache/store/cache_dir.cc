#include "services/cache/store/cache_dir.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace dbt::cache {

std::string DefaultCacheDir() {
  if (const char* xdg = getenv("XDG_CACHE_HOME"); xdg != nullptr && xdg[0] == '/') {
    return absl::StrCat(xdg, "/dbt");
  }
  const char* home = getenv("HOME");
  return absl::StrCat(home != nullptr && home[0] != '\0' ? home : "/tmp", "/.cache/dbt");
}

absl::Status CheckCacheDirectory(const std::string& dir) {
  struct stat st;
  if (stat(dir.c_str(), &st) != 0) {
    return absl::NotFoundError(absl::StrCat("cache directory ", dir, ": ", strerror(errno)));
  }
  if (!S_ISDIR(st.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat("cache directory ", dir, " is not a directory"));
  }
  if (st.st_uid != geteuid()) {
    return absl::PermissionDeniedError(absl::StrFormat(
        "cache directory %s belongs to uid %d, not to this user (%d): dbt keeps host code only "
        "where no one else can write it",
        dir, st.st_uid, geteuid()));
  }
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return absl::PermissionDeniedError(absl::StrFormat(
        "cache directory %s can be written by other users (mode %04o): dbt will not run host "
        "code from it; chmod 700 %s",
        dir, st.st_mode & 07777, dir));
  }
  for (const char* name : {"data.mdb", "lock.mdb"}) {
    const std::string path = absl::StrCat(dir, "/", name);
    if (stat(path.c_str(), &st) != 0) continue;
    if (std::string_view(name) == "data.mdb" &&
        (st.st_uid != geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0)) {
      return absl::PermissionDeniedError(absl::StrFormat(
          "cache database %s can be written by other users (mode %04o, uid %d): dbt will not run "
          "host code from it",
          path, st.st_mode & 07777, st.st_uid));
    }
  }
  return absl::OkStatus();
}

absl::Status MakeCacheDirs(const std::string& dir) {
  // Parents as the user's umask makes them; the cache directory itself 0700
  // (also when spelled with trailing slashes, or relative).
  std::string path = dir;
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  for (size_t pos = path.find('/', 1);; pos = path.find('/', pos + 1)) {
    const bool last = pos == std::string::npos;
    const std::string part = path.substr(0, pos);
    if ((last || part.back() != '/') &&  // "a//b": "a/" is "a", made already
        mkdir(part.c_str(), last ? 0700 : 0755) != 0 && errno != EEXIST) {
      return absl::PermissionDeniedError(
          absl::StrCat("cannot create cache directory ", part, ": ", strerror(errno)));
    }
    if (last) break;
  }
  return absl::OkStatus();
}

}  // namespace dbt::cache
