// Test support for channel tests: an echo server whose answer to a request
// is a simple function of (mailbox, payload), so each requester can check
// that it got the answer to its own request and nobody else's.
#ifndef DBT_COMMON_SHM_CHANNEL_TEST_UTIL_H_
#define DBT_COMMON_SHM_CHANNEL_TEST_UTIL_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "common/shm/channel_server.h"
#include "common/shm/wait.h"

namespace dbt::shm::testing {

// The answer: the mailbox number (4 bytes, little-endian), then the
// payload reversed.
std::vector<uint8_t> EchoAnswer(uint32_t mailbox, absl::Span<const uint8_t> payload);

// Answers requests with EchoAnswer until `max_requests` were answered (OK)
// or Receive fails with something other than DataLoss (that status).
absl::Status ServeEcho(ChannelServer& server, const WaitOptions& options,
                       uint64_t max_requests = UINT64_MAX);

// Deterministic pseudo-random bytes.
std::vector<uint8_t> PatternBytes(uint64_t seed, size_t length);

}  // namespace dbt::shm::testing

#endif  // DBT_COMMON_SHM_CHANNEL_TEST_UTIL_H_
