// The embedded store's directory: where it is by default, and the rule that
// makes host code in it trustworthy (only its user may write it).
#ifndef DBT_SERVICES_CACHE_STORE_CACHE_DIR_H_
#define DBT_SERVICES_CACHE_STORE_CACHE_DIR_H_

#include <string>

#include "absl/status/status.h"

namespace dbt::cache {

// $XDG_CACHE_HOME/dbt, else $HOME/.cache/dbt.
std::string DefaultCacheDir();

// OK when `dir` is a directory owned by the effective user that no one else
// can write, and its database (data.mdb), if any, likewise. NotFound when
// it does not exist; FailedPrecondition when it is not a directory;
// PermissionDenied (saying how to fix it) otherwise.
absl::Status CheckCacheDirectory(const std::string& dir);

// Creates `dir` (0700) and its missing parents (as the umask says).
absl::Status MakeCacheDirs(const std::string& dir);

}  // namespace dbt::cache

#endif  // DBT_SERVICES_CACHE_STORE_CACHE_DIR_H_
