#include "common/shm/channel_test_util.h"

#include <algorithm>

namespace dbt::shm::testing {

std::vector<uint8_t> EchoAnswer(uint32_t mailbox, absl::Span<const uint8_t> payload) {
  std::vector<uint8_t> answer(4 + payload.size());
  for (int i = 0; i < 4; ++i) answer[i] = static_cast<uint8_t>(mailbox >> (8 * i));
  std::reverse_copy(payload.begin(), payload.end(), answer.begin() + 4);
  return answer;
}

absl::Status ServeEcho(ChannelServer& server, const WaitOptions& options, uint64_t max_requests) {
  ChannelRequest request;
  for (uint64_t answered = 0; answered < max_requests;) {
    absl::Status s = server.Receive(&request, options);
    if (absl::IsDataLoss(s)) continue;
    if (!s.ok()) return s;
    std::vector<uint8_t> answer = EchoAnswer(request.mailbox(), request.payload());
    if (absl::Status r = server.Respond(request, answer); !r.ok()) return r;
    ++answered;
  }
  return absl::OkStatus();
}

std::vector<uint8_t> PatternBytes(uint64_t seed, size_t length) {
  std::vector<uint8_t> bytes(length);
  uint64_t x = seed * 0x9e3779b97f4a7c15 + 1;
  for (size_t i = 0; i < length; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    bytes[i] = static_cast<uint8_t>(x);
  }
  return bytes;
}

}  // namespace dbt::shm::testing
