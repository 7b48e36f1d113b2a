// Round-trip latency of the request/response channel between two processes:
// this process is the requester (executor), a forked child the server
// (translator), each with its own mapping of the region. One request of
// --request_bytes, one answer of --answer_bytes, --round_trips times per
// mode, after a warm-up. Modes: "futex" (both sides sleep in the kernel at
// once) and "spin" (both busy-poll --spin_us before sleeping).
//
//   bazel run -c opt //common/shm:channel_latency_bench -- --round_trips=100000
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_format.h"
#include "common/shm/channel_client.h"
#include "common/shm/channel_server.h"
#include "common/shm/peer_process.h"
#include "common/shm/test_process.h"

ABSL_FLAG(int, round_trips, 100000, "timed round trips per mode");
ABSL_FLAG(int, warmup, 2000, "untimed round trips before each mode");
ABSL_FLAG(int, request_bytes, 4096, "request payload bytes");
ABSL_FLAG(int, answer_bytes, 4096, "answer payload bytes");
ABSL_FLAG(int, spin_us, 50, "busy-poll budget of the spin mode, in microseconds");
ABSL_FLAG(bool, pin, false, "pin the requester to CPU 0 and the server to CPU 1");

namespace dbt::shm {
namespace {

void PinTo(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  if (sched_setaffinity(0, sizeof(set), &set) != 0) perror("sched_setaffinity");
}

struct Mode {
  std::string name;
  absl::Duration spin;
};

// Runs one mode with a fresh channel and server process; returns the
// round-trip times in nanoseconds (empty on failure, reported on stderr).
std::vector<int64_t> RunMode(const Mode& mode) {
  const int total = absl::GetFlag(FLAGS_warmup) + absl::GetFlag(FLAGS_round_trips);
  const uint32_t request_bytes = absl::GetFlag(FLAGS_request_bytes);
  const uint32_t answer_bytes = absl::GetFlag(FLAGS_answer_bytes);
  absl::StatusOr<std::unique_ptr<ChannelClient>> client = ChannelClient::Create(
      "bench",
      {.mailboxes = 1, .max_request_bytes = request_bytes, .max_response_bytes = answer_bytes});
  if (!client.ok()) {
    fprintf(stderr, "%s\n", client.status().ToString().c_str());
    return {};
  }
  pid_t parent = getpid();
  pid_t child = testing::ForkChild([&] {
    if (absl::GetFlag(FLAGS_pin)) PinTo(1);
    absl::StatusOr<UniqueFd> fd = (*client)->region().DupFd();
    CHILD_CHECK(fd.ok());
    absl::StatusOr<SharedRegion> region =
        SharedRegion::Attach(std::move(*fd), kChannelRegionKind, kChannelLayoutVersion);
    CHILD_CHECK(region.ok());
    absl::StatusOr<std::unique_ptr<ChannelServer>> server = ChannelServer::Open(std::move(*region));
    CHILD_CHECK(server.ok());
    absl::StatusOr<PeerProcess> peer = PeerProcess::FromPid(parent);
    CHILD_CHECK(peer.ok());
    WaitOptions options{.timeout = absl::Seconds(30), .peer = &*peer, .spin = mode.spin};
    ChannelRequest request;
    for (int i = 0; i < total; ++i) {
      CHILD_CHECK((*server)->Receive(&request, options).ok());
      // The answer: the request's bytes, repeated to answer_bytes.
      absl::Span<const uint8_t> in = request.payload();
      CHILD_CHECK((*server)
                      ->RespondWith(request, answer_bytes,
                                    [&](absl::Span<uint8_t> out) {
                                      for (size_t at = 0; at < out.size() && !in.empty();) {
                                        size_t n = std::min(in.size(), out.size() - at);
                                        memcpy(out.data() + at, in.data(), n);
                                        at += n;
                                      }
                                    })
                      .ok());
    }
    return 0;
  });
  if (absl::GetFlag(FLAGS_pin)) PinTo(0);
  absl::StatusOr<PeerProcess> peer = PeerProcess::FromPid(child);
  absl::StatusOr<ChannelClient::Requester> requester = (*client)->NewRequester();
  if (!peer.ok() || !requester.ok()) return {};
  WaitOptions options{.timeout = absl::Seconds(30), .peer = &*peer, .spin = mode.spin};
  std::vector<uint8_t> request(request_bytes), answer;
  std::vector<int64_t> times;
  times.reserve(total);
  for (int i = 0; i < total; ++i) {
    for (size_t j = 0; j < request.size(); j += 64) request[j] = static_cast<uint8_t>(i + j);
    int64_t start = MonotonicNowNs();
    absl::Status s = requester->Call(request, &answer, options);
    int64_t end = MonotonicNowNs();
    if (!s.ok() || answer.size() != answer_bytes ||
        (request_bytes > 0 && answer_bytes > 0 && answer[0] != request[0])) {
      fprintf(stderr, "round trip %d: %s (answer of %zu bytes)\n", i, s.ToString().c_str(),
              answer.size());
      testing::WaitChild(child, absl::Seconds(1));
      return {};
    }
    if (i >= absl::GetFlag(FLAGS_warmup)) times.push_back(end - start);
  }
  if (int code = testing::WaitChild(child); code != 0) {
    fprintf(stderr, "server process exited with %d\n", code);
    return {};
  }
  return times;
}

double Micros(int64_t ns) { return static_cast<double>(ns) / 1000.0; }

// The 1-minute load average: on a busy machine both modes suffer, spinning
// most (a spinner may hold the only free CPU its peer needs).
std::string LoadAverage() {
  double load = -1;
  if (FILE* f = fopen("/proc/loadavg", "re")) {
    if (fscanf(f, "%lf", &load) != 1) load = -1;
    fclose(f);
  }
  return absl::StrFormat("%.2f", load);
}

int Main() {
  printf(
      "channel round trip between two processes: %d-byte request, %d-byte answer,\n"
      "%d round trips per mode after %d warm-up, %ld CPUs online, load average %s%s\n",
      absl::GetFlag(FLAGS_request_bytes), absl::GetFlag(FLAGS_answer_bytes),
      absl::GetFlag(FLAGS_round_trips), absl::GetFlag(FLAGS_warmup), sysconf(_SC_NPROCESSORS_ONLN),
      LoadAverage().c_str(), absl::GetFlag(FLAGS_pin) ? ", pinned to CPUs 0/1" : "");
  printf("%-12s %9s %9s %9s %9s %9s %9s  (microseconds)\n", "mode", "p50", "p90", "p99", "p99.9",
         "max", "mean");
  std::vector<Mode> modes = {
      {"futex", absl::ZeroDuration()},
      {absl::StrFormat("spin %dus", absl::GetFlag(FLAGS_spin_us)),
       absl::Microseconds(absl::GetFlag(FLAGS_spin_us))},
  };
  int status = 0;
  for (const Mode& mode : modes) {
    std::vector<int64_t> times = RunMode(mode);
    if (times.empty()) {
      printf("%-12s failed\n", mode.name.c_str());
      status = 1;
      continue;
    }
    std::sort(times.begin(), times.end());
    auto at = [&](double q) { return times[static_cast<size_t>(q * (times.size() - 1))]; };
    double mean = 0;
    for (int64_t t : times) mean += static_cast<double>(t);
    mean /= static_cast<double>(times.size());
    printf("%-12s %9.2f %9.2f %9.2f %9.2f %9.2f %9.2f\n", mode.name.c_str(), Micros(at(0.5)),
           Micros(at(0.9)), Micros(at(0.99)), Micros(at(0.999)), Micros(times.back()),
           mean / 1000.0);
  }
  return status;
}

}  // namespace
}  // namespace dbt::shm

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return dbt::shm::Main();
}
