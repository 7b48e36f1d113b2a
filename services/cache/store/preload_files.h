// Preload images (common/cache/preload_image.h) kept beside the embedded
// store, one file per program key: DIR/preload/<hex of the key>.dbtp.
//
// The translator (the only writer of host code) writes a program's image
// when a session of it ends having stored something new, atomically (a
// temporary file renamed into place, so a reader sees the old image or the
// new, never half of one). `dbt run` reads it before the guest starts and
// places its code itself: a warm run needs no translator process, and opens
// no database (the executor holds no writable handle on anything here).
//
// The same trust rule as the store: the directory and the file must be the
// user's and writable by no one else, or the image is not read. Reading
// sets the file's modification time (its owner may): least-recently-used
// images go first when PrunePreloadFiles keeps them within a budget.
#ifndef DBT_SERVICES_CACHE_STORE_PRELOAD_FILES_H_
#define DBT_SERVICES_CACHE_STORE_PRELOAD_FILES_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "common/cache/tb_entry.h"

namespace dbt::cache {

// Images larger than this are refused unread (a damaged or foreign file).
inline constexpr uint64_t kMaxPreloadFileBytes = 1ull << 30;

std::string PreloadFilePath(const std::string& store_dir, const ProgramKey& program);

// Writes (replaces) the program's image. Creates DIR/preload (0700).
absl::Status WritePreloadFile(const std::string& store_dir, const ProgramKey& program,
                              const std::string& image);

// The program's image. NotFound when there is none; PermissionDenied when
// the directory or the file could be written by someone else; DataLoss
// when it is too large or cannot be read whole.
absl::StatusOr<std::string> ReadPreloadFile(const std::string& store_dir,
                                            const ProgramKey& program);

// Deletes the least recently used images until they take at most
// `budget_bytes`, and temporary files left by writers that died. Returns
// how many images were deleted.
uint64_t PrunePreloadFiles(const std::string& store_dir, uint64_t budget_bytes);

// Reads every image and deletes those `keep` refuses (or whose file name is
// not a program key). *checked: how many were read. Returns how many were
// deleted.
uint64_t SweepPreloadFiles(const std::string& store_dir,
                           const std::function<bool(const ProgramKey&, const std::string&)>& keep,
                           uint64_t* checked);

// Deletes every image. Returns how many there were.
uint64_t ClearPreloadFiles(const std::string& store_dir);

// The images' total size and count.
struct PreloadFilesUsage {
  uint64_t files = 0;
  uint64_t bytes = 0;
};
PreloadFilesUsage PreloadFilesInUse(const std::string& store_dir);

}  // namespace dbt::cache

#endif  // DBT_SERVICES_CACHE_STORE_PRELOAD_FILES_H_
