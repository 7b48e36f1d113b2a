#include "services/executor/service/session_table.h"

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace dbt::executor {
namespace {

constexpr char kIdPrefix[] = "s";

}  // namespace

std::string SessionTable::NewId() {
  std::lock_guard<std::mutex> lock(mu_);
  return absl::StrCat(kIdPrefix, ++last_number_);
}

void SessionTable::Add(std::shared_ptr<SessionProcess> session) {
  std::vector<std::shared_ptr<SessionProcess>> dropped;
  {
    std::lock_guard<std::mutex> lock(mu_);
    uint64_t number = 0;
    absl::SimpleAtoi(absl::StripPrefix(session->id(), kIdPrefix), &number);
    sessions_[number] = std::move(session);
    dropped = DropOldFinished();
  }
}

std::shared_ptr<SessionProcess> SessionTable::Find(const std::string& id) const {
  uint64_t number = 0;
  if (!absl::StartsWith(id, kIdPrefix) ||
      !absl::SimpleAtoi(absl::StripPrefix(id, kIdPrefix), &number)) {
    return nullptr;
  }
  std::lock_guard<std::mutex> lock(mu_);
  auto it = sessions_.find(number);
  if (it == sessions_.end() || it->second->id() != id) return nullptr;  // "s01" is not "s1"
  return it->second;
}

std::vector<std::shared_ptr<SessionProcess>> SessionTable::All() {
  std::vector<std::shared_ptr<SessionProcess>> dropped;
  std::vector<std::shared_ptr<SessionProcess>> all;
  std::lock_guard<std::mutex> lock(mu_);
  dropped = DropOldFinished();
  for (const auto& [number, session] : sessions_) all.push_back(session);
  return all;
}

std::vector<std::shared_ptr<SessionProcess>> SessionTable::DropOldFinished() {
  std::vector<std::pair<uint64_t, uint64_t>> finished;  // (finish order, number)
  for (const auto& [number, session] : sessions_) {
    if (const uint64_t order = session->finish_order(); order != 0)
      finished.push_back({order, number});
  }
  std::vector<std::shared_ptr<SessionProcess>> dropped;
  if (finished.size() <= max_finished_) return dropped;
  std::sort(finished.begin(), finished.end());
  for (size_t i = 0; i + max_finished_ < finished.size(); ++i) {
    auto it = sessions_.find(finished[i].second);
    dropped.push_back(std::move(it->second));
    sessions_.erase(it);
  }
  return dropped;
}

}  // namespace dbt::executor
