#include "common/log.h"

#include <unistd.h>

#include <atomic>
#include <ctime>
#include <mutex>

namespace dbt {
namespace {

std::atomic<int> g_verbosity{0};
std::mutex g_tag_mu;
std::string* g_tag = new std::string("dbt");

}  // namespace

void SetLogVerbosity(int level) { g_verbosity.store(level, std::memory_order_relaxed); }

int LogVerbosity() { return g_verbosity.load(std::memory_order_relaxed); }

void SetLogTag(std::string tag) {
  std::lock_guard<std::mutex> lock(g_tag_mu);
  *g_tag = std::move(tag);
}

LogMessage::~LogMessage() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  tm tm_utc;
  gmtime_r(&ts.tv_sec, &tm_utc);
  char stamp[32];
  strftime(stamp, sizeof stamp, "%H:%M:%S", &tm_utc);
  std::string tag;
  {
    std::lock_guard<std::mutex> lock(g_tag_mu);
    tag = *g_tag;
  }
  std::string line = std::string(stamp) + "." + std::to_string(ts.tv_nsec / 1000000 + 1000).substr(1) +
                     " [" + tag + "] " + stream_.str() + "\n";
  // One write: lines stay whole. Errors are ignored; there is nowhere to report them.
  ssize_t unused = write(STDERR_FILENO, line.data(), line.size());
  (void)unused;
}

}  // namespace dbt
