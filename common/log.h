// Minimal leveled logging to stderr. Debian's Abseil (20220623) predates
// absl/log, so this stands in: DBT_LOG(1) << "..." prints when the process
// verbosity is at least 1. Level 0 prints unless the verbosity is negative
// (--v=-1: the private services of `dbt run`, whose stderr is the user's). Each message is written with
// one write(2) so lines from concurrent threads do not interleave.
#ifndef DBT_COMMON_LOG_H_
#define DBT_COMMON_LOG_H_

#include <sstream>
#include <string>

namespace dbt {

void SetLogVerbosity(int level);
int LogVerbosity();
// Prefix of every line, e.g. the service name.
void SetLogTag(std::string tag);

class LogMessage {
 public:
  LogMessage() = default;
  ~LogMessage();
  std::ostream& stream() { return stream_; }

 private:
  std::ostringstream stream_;
};

}  // namespace dbt

#define DBT_LOG(level) \
  if (::dbt::LogVerbosity() < (level)) {} else ::dbt::LogMessage().stream()

#endif  // DBT_COMMON_LOG_H_
