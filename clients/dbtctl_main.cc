// dbtctl: remote control of running dbt services.
//   dbtctl --connect=ADDR status
//   dbtctl --connect=ADDR|--dir=DIR sessions | stats SESSION | kill SESSION [--signal=N]
//   dbtctl --connect=ADDR|--dir=DIR flush [SESSION] | translator-stats
//   dbtctl --connect=ADDR|--dir=DIR cache stats | verify | clear | evict SIZE
// ADDR is unix:/path, /path (unix socket) or host:port. --dir=DIR is the
// layout of `dbt services up --dir DIR`: DIR/executor.sock for the session
// commands, DIR/translator.sock for flush and translator-stats, DIR/cache.sock
// for cache.
//
// Exit status: 0 done, 1 the service failed or could not be reached (one
// line on stderr says why), 2 usage error.
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/service/client.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "proto/cache.grpc.pb.h"
#include "proto/executor.grpc.pb.h"
#include "proto/translator.grpc.pb.h"

namespace {

using std::chrono::seconds;

constexpr seconds kRpcTimeout(10);

// Which service a command talks to: with --dir it picks the socket.
enum class Target { kAny, kExecutor, kTranslator, kCache };

struct Invocation {
  std::string address;            // the service's address, resolved
  std::vector<std::string> args;  // after the command name
  int signal = 0;                 // kill --signal; 0: SIGKILL
};

struct Command {
  const char* name;
  const char* synopsis;
  const char* help;
  Target target;
  size_t min_args;
  size_t max_args;
  int (*run)(const Invocation&);
};

void Fail(const Invocation& inv, const char* rpc, const grpc::Status& status) {
  fprintf(stderr, "dbtctl: %s: %s: %s\n", inv.address.c_str(), rpc,
          status.error_message().empty() ? "failed" : status.error_message().c_str());
}

template <typename Stub>
std::unique_ptr<Stub> NewStub(const Invocation& inv) {
  return std::make_unique<Stub>(dbt::ConnectTo(inv.address));
}

void SetDeadline(grpc::ClientContext* context) {
  context->set_deadline(std::chrono::system_clock::now() + kRpcTimeout);
}

// Every field of `message`, one "name: value" line each, names padded to
// `width`: new proto fields show up without touching dbtctl.
void PrintFields(const google::protobuf::Message& message, int width) {
  using google::protobuf::FieldDescriptor;
  const google::protobuf::Descriptor* d = message.GetDescriptor();
  const google::protobuf::Reflection* r = message.GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (f->is_repeated() || f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) continue;
    std::string value;
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32:
        value = absl::StrCat(r->GetInt32(message, f));
        break;
      case FieldDescriptor::CPPTYPE_INT64:
        value = absl::StrCat(r->GetInt64(message, f));
        break;
      case FieldDescriptor::CPPTYPE_UINT32:
        value = absl::StrCat(r->GetUInt32(message, f));
        break;
      case FieldDescriptor::CPPTYPE_UINT64:
        value = absl::StrCat(r->GetUInt64(message, f));
        break;
      case FieldDescriptor::CPPTYPE_DOUBLE:
        value = absl::StrCat(r->GetDouble(message, f));
        break;
      case FieldDescriptor::CPPTYPE_FLOAT:
        value = absl::StrCat(r->GetFloat(message, f));
        break;
      case FieldDescriptor::CPPTYPE_BOOL:
        value = r->GetBool(message, f) ? "true" : "false";
        break;
      case FieldDescriptor::CPPTYPE_ENUM:
        value = r->GetEnum(message, f)->name();
        break;
      case FieldDescriptor::CPPTYPE_STRING:
        value = r->GetString(message, f);
        break;
      default:
        continue;
    }
    printf("%-*s %s\n", width, (f->name() + ":").c_str(), value.c_str());
  }
}

std::string Seconds(uint64_t ns) { return absl::StrFormat("%.2fs", ns / 1e9); }

int Status(const Invocation& inv) {
  auto channel = dbt::ConnectTo(inv.address);
  absl::StatusOr<bool> healthy = dbt::CheckHealth(*channel, "", seconds(3));
  if (!healthy.ok()) {
    fprintf(stderr, "dbtctl: %s: %s\n", inv.address.c_str(),
            std::string(healthy.status().message()).c_str());
    return 1;
  }
  absl::StatusOr<dbt::v1::ServiceStatus> status = dbt::QueryStatus(*channel, seconds(3));
  if (!status.ok()) {
    fprintf(stderr, "dbtctl: %s: Status: %s\n", inv.address.c_str(),
            std::string(status.status().message()).c_str());
    return 1;
  }
  printf("service:        %s\n", status->service().c_str());
  printf("health:         %s\n", *healthy ? "SERVING" : "NOT_SERVING");
  printf("version:        %s\n", status->version().c_str());
  printf("translator_abi: %u\n", status->translator_abi());
  printf("pid:            %lld\n", static_cast<long long>(status->pid()));
  printf("uptime:         %.1fs\n", status->uptime_ms() / 1000.0);
  printf("address:        %s\n", status->listen_address().c_str());
  return *healthy ? 0 : 1;
}

int Sessions(const Invocation& inv) {
  auto stub = NewStub<dbt::v1::Executor::Stub>(inv);
  grpc::ClientContext context;
  SetDeadline(&context);
  dbt::v1::ListSessionsResponse response;
  grpc::Status s = stub->ListSessions(&context, dbt::v1::ListSessionsRequest(), &response);
  if (!s.ok()) {
    Fail(inv, "ListSessions", s);
    return 1;
  }
  struct Row {
    std::string cells[6];
  };
  std::vector<Row> rows = {{{"ID", "STATE", "PID", "PROGRAM", "TBS", "WALL"}}};
  for (const dbt::v1::SessionInfo& info : response.sessions()) {
    rows.push_back(
        {{info.session_id(), dbt::v1::SessionInfo::State_Name(info.state()),
          absl::StrCat(info.guest_pid()), info.program(),
          absl::StrCat(info.stats().tbs_translated()), Seconds(info.stats().wall_ns())}});
  }
  size_t width[6] = {};
  for (const Row& row : rows) {
    for (int c = 0; c < 6; ++c) width[c] = std::max(width[c], row.cells[c].size());
  }
  for (const Row& row : rows) {
    std::string line;
    for (int c = 0; c < 6; ++c) {
      // Numbers right-aligned, text left-aligned; no padding after the last.
      const bool number = c == 2 || c == 4 || c == 5;
      const std::string pad(width[c] - row.cells[c].size(), ' ');
      if (c > 0) line += "  ";
      line += number ? pad + row.cells[c] : row.cells[c] + (c == 5 ? "" : pad);
    }
    printf("%s\n", line.c_str());
  }
  return 0;
}

int Stats(const Invocation& inv) {
  auto stub = NewStub<dbt::v1::Executor::Stub>(inv);
  grpc::ClientContext context;
  SetDeadline(&context);
  dbt::v1::SessionRequest request;
  request.set_session_id(inv.args[0]);
  dbt::v1::SessionInfo info;
  grpc::Status s = stub->SessionStats(&context, request, &info);
  if (!s.ok()) {
    Fail(inv, "SessionStats", s);
    return 1;
  }
  constexpr int kWidth = 23;
  PrintFields(info, kWidth);  // the session: id, program, pid, state, start
  PrintFields(info.stats(), kWidth);
  return 0;
}

int Kill(const Invocation& inv) {
  auto stub = NewStub<dbt::v1::Executor::Stub>(inv);
  grpc::ClientContext context;
  SetDeadline(&context);
  dbt::v1::KillRequest request;
  request.set_session_id(inv.args[0]);
  request.set_signal(inv.signal);
  dbt::v1::KillResponse response;
  grpc::Status s = stub->Kill(&context, request, &response);
  if (!s.ok()) {
    Fail(inv, "Kill", s);
    return 1;
  }
  printf("sent signal %d to session %s\n", inv.signal == 0 ? 9 : inv.signal, inv.args[0].c_str());
  return 0;
}

int Flush(const Invocation& inv) {
  auto stub = NewStub<dbt::v1::Translator::Stub>(inv);
  grpc::ClientContext context;
  SetDeadline(&context);
  dbt::v1::FlushRequest request;
  if (!inv.args.empty()) request.set_session_id(inv.args[0]);
  dbt::v1::FlushResponse response;
  grpc::Status s = stub->Flush(&context, request, &response);
  if (!s.ok()) {
    Fail(inv, "Flush", s);
    return 1;
  }
  PrintFields(response, 17);
  return 0;
}

int TranslatorStats(const Invocation& inv) {
  auto stub = NewStub<dbt::v1::Translator::Stub>(inv);
  grpc::ClientContext context;
  SetDeadline(&context);
  dbt::v1::TranslatorStats response;
  grpc::Status s = stub->Stats(&context, dbt::v1::TranslatorStatsRequest(), &response);
  if (!s.ok()) {
    Fail(inv, "Stats", s);
    return 1;
  }
  PrintFields(response, 19);
  return 0;
}

// Sizes as --cache-max-size takes them: 1000, 64K, 512M, 2G.
bool ParseBytes(std::string text, uint64_t* out) {
  uint64_t scale = 1;
  if (!text.empty()) {
    switch (text.back()) {
      case 'K':
      case 'k':
        scale = 1ull << 10;
        break;
      case 'M':
      case 'm':
        scale = 1ull << 20;
        break;
      case 'G':
      case 'g':
        scale = 1ull << 30;
        break;
      default:
        break;
    }
    if (scale != 1) text.pop_back();
  }
  uint64_t n = 0;
  if (!absl::SimpleAtoi(text, &n) || n > ~uint64_t{0} / scale) return false;
  *out = n * scale;
  return true;
}

int Cache(const Invocation& inv) {
  auto stub = NewStub<dbt::v1::Cache::Stub>(inv);
  grpc::ClientContext context;
  SetDeadline(&context);
  const std::string& what = inv.args[0];
  grpc::Status s;
  if (what == "stats" && inv.args.size() == 1) {
    dbt::v1::CacheStats response;
    s = stub->Stats(&context, dbt::v1::CacheStatsRequest(), &response);
    if (s.ok()) PrintFields(response, 17);
  } else if (what == "verify" && inv.args.size() == 1) {
    dbt::v1::CacheVerifyResponse response;
    s = stub->Verify(&context, dbt::v1::CacheVerifyRequest(), &response);
    if (s.ok()) PrintFields(response, 9);
  } else if (what == "clear" && inv.args.size() == 1) {
    dbt::v1::CacheClearResponse response;
    s = stub->Clear(&context, dbt::v1::CacheClearRequest(), &response);
    if (s.ok()) PrintFields(response, 16);
  } else if (what == "evict" && inv.args.size() == 2) {
    dbt::v1::CacheEvictRequest request;
    uint64_t target = 0;
    if (!ParseBytes(inv.args[1], &target)) {
      fprintf(stderr, "dbtctl: cache evict wants a size (e.g. 100M), got '%s'\n",
              inv.args[1].c_str());
      return 2;
    }
    request.set_target_bytes(target);
    dbt::v1::CacheEvictResponse response;
    s = stub->Evict(&context, request, &response);
    if (s.ok()) PrintFields(response, 8);
  } else {
    fprintf(stderr, "dbtctl: usage: dbtctl ... cache stats | verify | clear | evict SIZE\n");
    return 2;
  }
  if (!s.ok()) {
    Fail(inv, absl::StrCat("cache ", what).c_str(), s);
    return 1;
  }
  return 0;
}

constexpr Command kCommands[] = {
    {"status", "status", "health, service name, version, pid and uptime (needs --connect)",
     Target::kAny, 0, 0, Status},
    {"sessions", "sessions", "the executor's sessions: id, state, pid, program, TBs, wall time",
     Target::kExecutor, 0, 0, Sessions},
    {"stats", "stats SESSION", "one session's state and counters, one per line", Target::kExecutor,
     1, 1, Stats},
    {"kill", "kill SESSION [--signal=N]", "send signal N (default 9, SIGKILL) to a session",
     Target::kExecutor, 1, 1, Kill},
    {"flush", "flush [SESSION]", "drop the translator's code for one session or all",
     Target::kTranslator, 0, 1, Flush},
    {"translator-stats", "translator-stats", "the translator's counters", Target::kTranslator, 0, 0,
     TranslatorStats},
    {"cache", "cache stats|verify|clear|evict SIZE",
     "the cache service: counters; re-check every entry; drop all; evict LRU down to SIZE",
     Target::kCache, 1, 2, Cache},
};

void Usage(FILE* out) {
  fprintf(out,
          "usage: dbtctl (--connect=ADDR | --dir=DIR) COMMAND [ARGS]\n"
          "  ADDR: unix:/path/to.sock, /path/to.sock or host:port\n"
          "  DIR:  as for `dbt services up --dir DIR`: DIR/executor.sock for session\n"
          "        commands, DIR/translator.sock for flush and translator-stats,\n"
          "        DIR/cache.sock for cache\n"
          "commands:\n");
  for (const Command& c : kCommands) fprintf(out, "  %-26s %s\n", c.synopsis, c.help);
}

int UsageError(const std::string& message) {
  fprintf(stderr, "dbtctl: %s (dbtctl --help lists the commands)\n", message.c_str());
  return 2;
}

// A unix socket path that is not there: say so instead of gRPC's
// "failed to connect to all addresses".
bool MissingSocket(const std::string& address) {
  std::string path = address;
  if (absl::StartsWith(path, "unix:")) path = path.substr(5);
  struct stat st;
  return absl::StartsWith(path, "/") && stat(path.c_str(), &st) != 0;
}

// "--name=value" or "--name value"; advances *i over a separate value.
bool FlagValue(int argc, char** argv, int* i, const char* name, std::string* value, bool* missing) {
  const std::string arg = argv[*i];
  const std::string prefix = absl::StrCat("--", name);
  if (absl::StartsWith(arg, prefix + "=")) {
    *value = arg.substr(prefix.size() + 1);
    return true;
  }
  if (arg != prefix) return false;
  if (*i + 1 >= argc) {
    *missing = true;
    return true;
  }
  *value = argv[++*i];
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::string connect, dir, signal_text;
  bool has_signal = false;
  std::vector<std::string> words;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    bool missing = false;
    if (arg == "-h" || arg == "--help") {
      Usage(stdout);
      return 0;
    }
    bool matched = FlagValue(argc, argv, &i, "connect", &connect, &missing) ||
                   FlagValue(argc, argv, &i, "dir", &dir, &missing);
    if (!matched && FlagValue(argc, argv, &i, "signal", &signal_text, &missing)) {
      matched = has_signal = true;
    }
    if (matched) {
      if (missing) return UsageError(arg + " needs a value");
      continue;
    }
    if (absl::StartsWith(arg, "-") && arg != "-") return UsageError("unknown flag " + arg);
    words.push_back(arg);
  }
  if (words.empty()) {
    Usage(stderr);
    return 2;
  }
  const Command* command = nullptr;
  for (const Command& c : kCommands) {
    if (words[0] == c.name) command = &c;
  }
  if (command == nullptr) return UsageError("unknown command '" + words[0] + "'");

  Invocation inv;
  inv.args.assign(words.begin() + 1, words.end());
  if (inv.args.size() < command->min_args || inv.args.size() > command->max_args)
    return UsageError(absl::StrCat("usage: dbtctl ... ", command->synopsis));
  if (has_signal) {
    if (command->run != Kill) return UsageError("--signal is for kill");
    if (!absl::SimpleAtoi(signal_text, &inv.signal) || inv.signal < 1 || inv.signal > 64)
      return UsageError("--signal wants a signal number 1..64, got '" + signal_text + "'");
  }
  if (!connect.empty() && !dir.empty()) return UsageError("give --connect or --dir, not both");
  if (!connect.empty()) {
    inv.address = connect;
  } else if (!dir.empty() && command->target != Target::kAny) {
    inv.address = dir + (command->target == Target::kExecutor     ? "/executor.sock"
                         : command->target == Target::kTranslator ? "/translator.sock"
                                                                  : "/cache.sock");
  } else if (!dir.empty()) {
    return UsageError(absl::StrCat(command->name, " needs --connect=ADDR"));
  } else {
    return UsageError("give --connect=ADDR or --dir=DIR");
  }
  if (MissingSocket(inv.address)) {
    fprintf(stderr, "dbtctl: %s: no such socket (is the service running?)\n", inv.address.c_str());
    return 1;
  }
  return command->run(inv);
}
