#include "services/cache/store/preload_files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <vector>
#include "absl/strings/string_view.h"

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/cache/store/cache_dir.h"

namespace dbt::cache {
namespace {

constexpr absl::string_view kSuffix = ".dbtp";
constexpr absl::string_view kTempPrefix = ".tmp-";
// A temporary file older than this belongs to a writer that died.
constexpr time_t kStaleTempSeconds = 60;

std::string PreloadDir(const std::string& store_dir) { return absl::StrCat(store_dir, "/preload"); }

// The user's own, written by no one else (as CheckCacheDirectory).
absl::Status CheckOwnedPrivate(const struct stat& st, const std::string& path) {
  if (st.st_uid != geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return absl::PermissionDeniedError(absl::StrFormat(
        "%s can be written by others (mode %04o, uid %d): dbt will not run host code from it", path,
        st.st_mode & 07777, st.st_uid));
  }
  return absl::OkStatus();
}

struct FileInfo {
  std::string path;
  uint64_t bytes = 0;
  timespec mtime = {};
};

// The images (and, in *temps, the temporary files) in DIR/preload.
std::vector<FileInfo> ListImages(const std::string& store_dir, std::vector<FileInfo>* temps) {
  std::vector<FileInfo> images;
  const std::string dir = PreloadDir(store_dir);
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return images;
  while (dirent* e = readdir(d)) {
    const absl::string_view name = e->d_name;
    const bool image = absl::EndsWith(name, kSuffix);
    const bool temp = absl::StartsWith(name, kTempPrefix);
    if (!image && !temp) continue;
    FileInfo f;
    f.path = absl::StrCat(dir, "/", name);
    struct stat st;
    if (lstat(f.path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    f.bytes = static_cast<uint64_t>(st.st_size);
    f.mtime = st.st_mtim;
    if (image) images.push_back(std::move(f));
    if (temp && temps != nullptr) temps->push_back(std::move(f));
  }
  closedir(d);
  return images;
}

}  // namespace

std::string PreloadFilePath(const std::string& store_dir, const ProgramKey& program) {
  return absl::StrCat(PreloadDir(store_dir), "/", absl::BytesToHexString(EncodeProgramKey(program)),
                      kSuffix);
}

absl::Status WritePreloadFile(const std::string& store_dir, const ProgramKey& program,
                              const std::string& image) {
  const std::string dir = PreloadDir(store_dir);
  if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return absl::PermissionDeniedError(absl::StrCat("cannot create ", dir, ": ", strerror(errno)));
  }
  std::string temp = absl::StrCat(dir, "/", kTempPrefix, "XXXXXX");
  const int fd = mkostemp(temp.data(), O_CLOEXEC);  // 0600
  if (fd < 0)
    return absl::PermissionDeniedError(
        absl::StrCat("cannot write in ", dir, ": ", strerror(errno)));
  size_t done = 0;
  while (done < image.size()) {
    const ssize_t n = write(fd, image.data() + done, image.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  const int saved = errno;
  close(fd);
  if (done != image.size()) {
    unlink(temp.c_str());
    return absl::ResourceExhaustedError(
        absl::StrCat("writing ", temp, ": ", strerror(saved != 0 ? saved : EIO)));
  }
  const std::string path = PreloadFilePath(store_dir, program);
  if (rename(temp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    unlink(temp.c_str());
    return absl::InternalError(absl::StrCat("rename to ", path, ": ", strerror(e)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadPreloadFile(const std::string& store_dir,
                                            const ProgramKey& program) {
  if (absl::Status s = CheckCacheDirectory(store_dir); !s.ok()) return s;
  const std::string dir = PreloadDir(store_dir);
  struct stat st;
  if (lstat(dir.c_str(), &st) != 0) {
    return absl::NotFoundError(absl::StrCat(dir, ": ", strerror(errno)));
  }
  if (!S_ISDIR(st.st_mode)) return absl::FailedPreconditionError(dir + " is not a directory");
  if (absl::Status s = CheckOwnedPrivate(st, dir); !s.ok()) return s;
  const std::string path = PreloadFilePath(store_dir, program);
  const int fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return absl::NotFoundError(absl::StrCat(path, ": no preload image"));
    return absl::PermissionDeniedError(absl::StrCat(path, ": ", strerror(errno)));
  }
  std::string image;
  absl::Status status;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    status = absl::FailedPreconditionError(path + " is not a regular file");
  } else if (absl::Status s = CheckOwnedPrivate(st, path); !s.ok()) {
    status = s;
  } else if (static_cast<uint64_t>(st.st_size) > kMaxPreloadFileBytes) {
    status = absl::DataLossError(absl::StrCat(path, ": ", st.st_size, " bytes, too large"));
  } else {
    image.resize(static_cast<size_t>(st.st_size));
    size_t done = 0;
    while (done < image.size()) {
      const ssize_t n = read(fd, image.data() + done, image.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    if (done != image.size()) {
      status = absl::DataLossError(absl::StrCat(path, ": short read"));
    } else {
      futimens(fd, nullptr);  // used now (for PrunePreloadFiles)
    }
  }
  close(fd);
  if (!status.ok()) return status;
  return image;
}

uint64_t PrunePreloadFiles(const std::string& store_dir, uint64_t budget_bytes) {
  std::vector<FileInfo> temps;
  std::vector<FileInfo> images = ListImages(store_dir, &temps);
  const time_t now = time(nullptr);
  for (const FileInfo& t : temps) {
    if (now - t.mtime.tv_sec > kStaleTempSeconds) unlink(t.path.c_str());
  }
  uint64_t total = 0;
  for (const FileInfo& f : images) total += f.bytes;
  std::sort(images.begin(), images.end(), [](const FileInfo& a, const FileInfo& b) {
    return a.mtime.tv_sec != b.mtime.tv_sec ? a.mtime.tv_sec < b.mtime.tv_sec
                                            : a.mtime.tv_nsec < b.mtime.tv_nsec;
  });
  uint64_t deleted = 0;
  for (const FileInfo& f : images) {
    if (total <= budget_bytes) break;
    if (unlink(f.path.c_str()) == 0) {
      total -= f.bytes;
      ++deleted;
    }
  }
  return deleted;
}

uint64_t SweepPreloadFiles(const std::string& store_dir,
                           const std::function<bool(const ProgramKey&, const std::string&)>& keep,
                           uint64_t* checked) {
  uint64_t deleted = 0;
  for (const FileInfo& f : ListImages(store_dir, nullptr)) {
    absl::string_view name = f.path;
    name.remove_prefix(name.rfind('/') + 1);
    name.remove_suffix(kSuffix.size());
    std::string key_bytes;
    absl::StatusOr<ProgramKey> program = absl::DataLossError("file name");
    if (name.size() == 2 * kProgramKeyBytes) {
      key_bytes = absl::HexStringToBytes(name);
      program = DecodeProgramKey(AsBytes(key_bytes));
    }
    bool ok = false;
    if (program.ok()) {
      absl::StatusOr<std::string> image = ReadPreloadFile(store_dir, *program);
      if (image.ok()) {
        ++*checked;
        ok = keep(*program, *image);
      }
    }
    if (!ok && unlink(f.path.c_str()) == 0) ++deleted;
  }
  return deleted;
}

uint64_t ClearPreloadFiles(const std::string& store_dir) {
  uint64_t deleted = 0;
  for (const FileInfo& f : ListImages(store_dir, nullptr)) {
    if (unlink(f.path.c_str()) == 0) ++deleted;
  }
  return deleted;
}

PreloadFilesUsage PreloadFilesInUse(const std::string& store_dir) {
  PreloadFilesUsage u;
  for (const FileInfo& f : ListImages(store_dir, nullptr)) {
    ++u.files;
    u.bytes += f.bytes;
  }
  return u;
}

}  // namespace dbt::cache
