// The sessions an executor service knows: every running one and the newest
// finished ones (older finished sessions are forgotten, so that a service
// that runs for months does not grow without bound).
#ifndef DBT_SERVICES_EXECUTOR_SERVICE_SESSION_TABLE_H_
#define DBT_SERVICES_EXECUTOR_SERVICE_SESSION_TABLE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "services/executor/service/session_process.h"

namespace dbt::executor {

class SessionTable {
 public:
  static constexpr size_t kMaxFinished = 256;

  explicit SessionTable(size_t max_finished = kMaxFinished) : max_finished_(max_finished) {}

  // "s1", "s2", ...: unique for the life of the table.
  std::string NewId();
  void Add(std::shared_ptr<SessionProcess> session);
  // nullptr when unknown (never started, or forgotten).
  std::shared_ptr<SessionProcess> Find(const std::string& id) const;
  // In start order.
  std::vector<std::shared_ptr<SessionProcess>> All();

 private:
  // Forgets the finished sessions beyond the newest max_finished_; returns
  // them so that the caller destroys them outside the lock.
  std::vector<std::shared_ptr<SessionProcess>> DropOldFinished();

  const size_t max_finished_;
  mutable std::mutex mu_;
  uint64_t last_number_ = 0;
  std::map<uint64_t, std::shared_ptr<SessionProcess>> sessions_;  // by the N of "sN"
};

}  // namespace dbt::executor

#endif  // DBT_SERVICES_EXECUTOR_SERVICE_SESSION_TABLE_H_
