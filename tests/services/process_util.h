// Test helpers: locate binaries in Bazel runfiles, run processes, capture
// their output, make short-lived temp directories (unix socket paths must
// stay under 108 bytes, which TEST_TMPDIR is not).
#ifndef DBT_TESTS_SERVICES_PROCESS_UTIL_H_
#define DBT_TESTS_SERVICES_PROCESS_UTIL_H_

#include <sys/types.h>

#include <string>
#include <vector>

namespace dbt::testing {

// Path of a workspace-relative runfile, e.g. "services/cache/cache".
std::string Runfile(const std::string& path);

// A directory under /tmp removed at destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct Child {
  pid_t pid = -1;
  std::string output_file;  // stdout and stderr go here
};

// Starts argv[0] with the arguments; stdout+stderr to output_file.
Child Spawn(const std::vector<std::string>& argv, const std::string& output_file);

// Waits for the child; returns the raw wait status. Kills it after timeout_ms.
int WaitFor(pid_t pid, int timeout_ms);

struct RunResult {
  int wait_status = 0;
  std::string output;
};

// Runs to completion (stdout+stderr captured together).
RunResult RunProcess(const std::vector<std::string>& argv, int timeout_ms = 30000);

std::string ReadFile(const std::string& path);
// The integer value of "key": N in a JSON text (e.g. --stats-json); -1 if missing.
long long JsonInt(const std::string& json, const std::string& key);
bool PathExists(const std::string& path);
// A process that exists and is not a zombie.
bool ProcessAlive(pid_t pid);

}  // namespace dbt::testing

#endif  // DBT_TESTS_SERVICES_PROCESS_UTIL_H_
