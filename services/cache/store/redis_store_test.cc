#include "services/cache/store/redis_store.h"

#include <arpa/inet.h>
#include <errno.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/cache/tb_entry.h"
#include "gtest/gtest.h"
#include "services/cache/store/store_test_util.h"

// The namespace of the shared test support (store_test_util.h): its helpers
// need no qualifying.
namespace dbt::cache::testing {
namespace {

constexpr char kRedisServer[] = "/usr/bin/redis-server";

// Long enough for two entries with the same millisecond to be unlikely.
void Pause() { std::this_thread::sleep_for(std::chrono::milliseconds(5)); }

// --- A raw client: what the test does behind the store's back ---------------------

struct FreeReply {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, FreeReply>;

class RawClient {
 public:
  explicit RawClient(int port, int db = 0) {
    timeval tv{2, 0};
    context_ = redisConnectWithTimeout("127.0.0.1", port, tv);
    if (context_ != nullptr && context_->err == 0) redisSetTimeout(context_, tv);
    if (ok() && db != 0) Run({"SELECT", absl::StrCat(db)});
  }
  ~RawClient() {
    if (context_ != nullptr) redisFree(context_);
  }
  bool ok() const { return context_ != nullptr && context_->err == 0; }

  // The reply, or null when the connection failed.
  Reply Run(const std::vector<std::string>& args) {
    if (!ok()) return nullptr;
    std::vector<const char*> argv;
    std::vector<size_t> lengths;
    for (const std::string& a : args) {
      argv.push_back(a.data());
      lengths.push_back(a.size());
    }
    return Reply(static_cast<redisReply*>(
        redisCommandArgv(context_, static_cast<int>(argv.size()), argv.data(), lengths.data())));
  }
  // A string value ("" when absent or on failure).
  std::string Get(const std::string& name) {
    Reply r = Run({"GET", name});
    return r != nullptr && r->type == REDIS_REPLY_STRING ? std::string(r->str, r->len) : "";
  }
  bool Set(const std::string& name, const std::string& value) {
    Reply r = Run({"SET", name, value});
    return r != nullptr && r->type == REDIS_REPLY_STATUS;
  }
  // Every key matching `pattern` (KEYS: fine on a test server).
  std::set<std::string> Keys(const std::string& pattern) {
    std::set<std::string> keys;
    Reply r = Run({"KEYS", pattern});
    if (r == nullptr || r->type != REDIS_REPLY_ARRAY) return keys;
    for (size_t i = 0; i < r->elements; ++i) keys.emplace(r->element[i]->str, r->element[i]->len);
    return keys;
  }
  // A field of INFO `section`, -1 when missing.
  int64_t InfoField(const std::string& section, const std::string& field) {
    Reply r = Run({"INFO", section});
    if (r == nullptr || r->type != REDIS_REPLY_STRING) return -1;
    for (absl::string_view line : absl::StrSplit(absl::string_view(r->str, r->len), "\r\n")) {
      int64_t n = 0;
      if (absl::ConsumePrefix(&line, absl::StrCat(field, ":")) && absl::SimpleAtoi(line, &n)) {
        return n;
      }
    }
    return -1;
  }

 private:
  redisContext* context_ = nullptr;
};

// --- The server ------------------------------------------------------------------

// A loopback port nothing listens on right now: bound, read, closed.
int FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  int port = -1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

// A redis-server of its own, on 127.0.0.1 only, persisting nothing; killed
// when destroyed (and, through PR_SET_PDEATHSIG, when the test dies).
class RedisServer {
 public:
  ~RedisServer() { Kill(); }

  // Starts the server on `port` (a free one when 0) and waits until it
  // answers PING.
  absl::Status Start(int port = 0) {
    if (access(kRedisServer, X_OK) != 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          kRedisServer, " is missing (", strerror(errno),
          "): the Redis store's tests need a real server; install the redis-server package "
          "(tools/packages.txt, tools/bootstrap.sh)"));
    }
    absl::Status last;
    // A port found free may be taken before the server binds it: try others.
    for (int attempt = 0; attempt < 5; ++attempt) {
      port_ = port != 0 ? port : FreeLoopbackPort();
      if (port_ <= 0) return absl::InternalError("no free loopback port");
      last = Spawn();
      if (last.ok()) last = WaitUntilReady();
      if (last.ok()) return last;
      Kill();
      if (port != 0 && attempt >= 2) break;
    }
    return last;
  }

  void Kill() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
  }

  int port() const { return port_; }
  pid_t pid() const { return pid_; }

 private:
  absl::Status Spawn() {
    const char* tmp = getenv("TEST_TMPDIR");
    const std::string dir = tmp != nullptr && tmp[0] != '\0' ? tmp : "/tmp";
    const std::string port = absl::StrCat(port_);
    // Loopback only; nothing saved (no RDB snapshots, no AOF).
    const std::pair<const char*, std::string> flags[] = {
        {"--port", port}, {"--bind", "127.0.0.1"},   {"--save", ""},       {"--appendonly", "no"},
        {"--dir", dir},   {"--loglevel", "warning"}, {"--daemonize", "no"}};
    std::vector<std::string> args = {kRedisServer};
    for (const auto& [flag, value] : flags) {
      args.push_back(flag);
      args.push_back(value);
    }
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    fflush(nullptr);
    pid_ = fork();
    if (pid_ < 0) return absl::InternalError(absl::StrCat("fork: ", strerror(errno)));
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      execv(kRedisServer, argv.data());
      fprintf(stderr, "exec %s: %s\n", kRedisServer, strerror(errno));
      _exit(127);
    }
    return absl::OkStatus();
  }

  absl::Status WaitUntilReady() {
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (absl::Now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return absl::UnavailableError(
            absl::StrCat("redis-server on port ", port_, " exited (status ", status, ")"));
      }
      RawClient client(port_);
      Reply pong = client.Run({"PING"});
      if (pong != nullptr && pong->type == REDIS_REPLY_STATUS &&
          absl::string_view(pong->str, pong->len) == "PONG") {
        return absl::OkStatus();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return absl::DeadlineExceededError(
        absl::StrCat("redis-server on port ", port_, " did not answer PING within 10 s"));
  }

  int port_ = 0;
  pid_t pid_ = -1;
};

// --- Fixture ------------------------------------------------------------------------

class RedisStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::Status s = server_.Start();
    ASSERT_TRUE(s.ok()) << s;
  }
  void TearDown() override { server_.Kill(); }

  RedisStoreOptions Options(const std::string& hmac_key = "", uint64_t max_bytes = 0) const {
    RedisStoreOptions o;
    o.host = "127.0.0.1";
    o.port = server_.port();
    o.hmac_key = hmac_key;
    o.max_bytes = max_bytes;
    return o;
  }

  RedisServer server_;
};

// Opens or fails the test.
#define OPEN_OR_FAIL(var, options)                                           \
  absl::StatusOr<std::unique_ptr<Store>> var##_or = OpenRedisStore(options); \
  ASSERT_TRUE(var##_or.ok()) << var##_or.status();                           \
  Store& var = **var##_or

// --- URLs ------------------------------------------------------------------------

TEST(ParseRedisUrlTest, AcceptsHostPortAndDatabase) {
  struct Case {
    const char* url;
    const char* host;
    int port;
    int db;
  } cases[] = {
      {"redis://cache.example:7000", "cache.example", 7000, 0},
      {"redis://10.1.2.3:6380/4", "10.1.2.3", 6380, 4},
      {"redis://host", "host", 6379, 0},
      {"redis://host/2", "host", 6379, 2},
      {"redis://host:1/", "host", 1, 0},
      {"redis://[::1]:7001/15", "::1", 7001, 15},
      {"redis://[fe80::1]", "fe80::1", 6379, 0},
      {"REDIS://Host:65535", "Host", 65535, 0},
  };
  for (const Case& c : cases) {
    absl::StatusOr<RedisStoreOptions> o = ParseRedisUrl(c.url);
    ASSERT_TRUE(o.ok()) << c.url << ": " << o.status();
    EXPECT_EQ(o->host, c.host) << c.url;
    EXPECT_EQ(o->port, c.port) << c.url;
    EXPECT_EQ(o->db, c.db) << c.url;
    // The rest keeps its defaults.
    EXPECT_EQ(o->prefix, "dbt:");
    EXPECT_EQ(o->hmac_key, "");
    EXPECT_EQ(o->max_bytes, 0u);
    EXPECT_EQ(o->timeout, absl::Seconds(2));
  }
}

TEST(ParseRedisUrlTest, RefusesMalformedUrlsSayingWhy) {
  struct Case {
    const char* url;
    const char* why;
  } cases[] = {
      {"http://host:6379", "not a redis:// URL"},
      {"host:6379", "not a redis:// URL"},
      {"redis://", "no host"},
      {"redis://:6379", "no host"},
      {"redis://host:", "empty port"},
      {"redis://host:0", "not 1..65535"},
      {"redis://host:65536", "not 1..65535"},
      {"redis://host:-1", "not 1..65535"},
      {"redis://host:+80", "not 1..65535"},
      {"redis://host:http", "not 1..65535"},
      {"redis://host:6379/x", "is not a number"},
      {"redis://host:6379/1/2", "is not a number"},
      {"redis://host:6379/-1", "is not a number"},
      {"redis://host:6379/?db=1", "is not a number"},
      {"redis://user:pw@host:6379", "credentials"},
      {"redis://::1:6379", "needs brackets"},
      {"redis://[::1:6379", "no ']'"},
      {"redis://[::1]x", "junk after"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<RedisStoreOptions> o = ParseRedisUrl(c.url);
    ASSERT_FALSE(o.ok()) << c.url;
    EXPECT_EQ(o.status().code(), absl::StatusCode::kInvalidArgument) << c.url;
    EXPECT_TRUE(absl::StrContains(o.status().message(), c.url)) << o.status();
    EXPECT_TRUE(absl::StrContains(o.status().message(), c.why)) << c.url << ": " << o.status();
  }
}

// --- Opening ------------------------------------------------------------------------

TEST(RedisStoreOpenTest, AnUnreachableServerIsUnavailableNamingHostAndPort) {
  const int port = FreeLoopbackPort();  // nothing listens there
  ASSERT_GT(port, 0);
  RedisStoreOptions o;
  o.host = "127.0.0.1";
  o.port = port;
  absl::StatusOr<std::unique_ptr<Store>> s = OpenRedisStore(o);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kUnavailable) << s.status();
  EXPECT_TRUE(absl::StrContains(s.status().message(), absl::StrCat("127.0.0.1:", port)))
      << s.status();
}

TEST_F(RedisStoreTest, ADatabaseNumberIsSelected) {
  RedisStoreOptions o = Options();
  o.db = 3;
  OPEN_OR_FAIL(store, o);
  ASSERT_TRUE(store.Put({{Key(1), "one"}}, Program(1)).ok());
  EXPECT_EQ(GetOne(store, Key(1)), "one");
  EXPECT_EQ(StatsOf(store).location, absl::StrCat("redis://127.0.0.1:", server_.port(), "/3"));
  RawClient db0(server_.port()), db3(server_.port(), 3);
  EXPECT_TRUE(db0.Keys("*").empty());
  EXPECT_EQ(db3.Get("dbt:tb:" + Key(1)), "one");

  o.db = 999999;  // more than the server has (16)
  absl::StatusOr<std::unique_ptr<Store>> bad = OpenRedisStore(o);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument) << bad.status();
  EXPECT_TRUE(absl::StrContains(bad.status().message(), "SELECT 999999")) << bad.status();
}

// --- Entries ---------------------------------------------------------------------------

TEST_F(RedisStoreTest, PutGetRoundTripAndStats) {
  OPEN_OR_FAIL(store, Options("", 1 << 20));
  EXPECT_TRUE(store.writable());
  StoreStats empty = StatsOf(store);
  EXPECT_EQ(empty.entries, 0u);
  EXPECT_EQ(empty.bytes, 0u);
  const std::vector<KeyValue> entries = {{Key(1), ValueFor(Key(1), 100)},
                                         {Key(2), ValueFor(Key(2), 7)},
                                         {Key(3), ValueFor(Key(3), 1000)},
                                         {"short key", std::string("nul\0inside", 10)}};
  ASSERT_TRUE(store.Put(entries, "").ok());

  absl::StatusOr<std::vector<std::string>> got =
      store.Get({Key(2), Key(99), Key(1), Key(3), "", "short key"});
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->size(), 6u);
  EXPECT_EQ((*got)[0], entries[1].second);
  EXPECT_EQ((*got)[1], "");  // absent
  EXPECT_EQ((*got)[2], entries[0].second);
  EXPECT_EQ((*got)[3], entries[2].second);
  EXPECT_EQ((*got)[4], "");  // absent
  EXPECT_EQ((*got)[5], entries[3].second);
  absl::StatusOr<std::vector<std::string>> none = store.Get({});
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_TRUE(none->empty());

  StoreStats st = StatsOf(store);
  EXPECT_EQ(st.entries, 4u);
  EXPECT_EQ(st.bytes, 1117u);
  EXPECT_EQ(st.programs, 0u);
  EXPECT_EQ(st.max_bytes, 1u << 20);
  EXPECT_EQ(st.evicted, 0u);
  EXPECT_EQ(st.rejected, 0u);
  EXPECT_EQ(st.location, absl::StrCat("redis://127.0.0.1:", server_.port(), "/0"));

  // Stored bare (no key), under the documented names; another store object
  // (another host) sees them.
  RawClient raw(server_.port());
  EXPECT_EQ(raw.Get("dbt:tb:" + Key(3)), entries[2].second);
  EXPECT_EQ(raw.Get("dbt:bytes"), "1117");
  OPEN_OR_FAIL(other, Options());
  EXPECT_EQ(GetOne(other, Key(1)), entries[0].second);
}

TEST_F(RedisStoreTest, PutOfAnExistingKeyChangesNothing) {
  OPEN_OR_FAIL(store, Options());
  ASSERT_NO_FATAL_FAILURE(ExpectPutOfAnExistingKeyChangesNothing(store));
}

TEST_F(RedisStoreTest, PrefixesAreSeparateNamespaces) {
  RedisStoreOptions o = Options();
  o.prefix = "a*[b]?:";  // glob characters: SCAN's MATCH must not take them as a pattern
  OPEN_OR_FAIL(a, o);
  o.prefix = "a";  // a prefix of the other
  OPEN_OR_FAIL(b, o);
  ASSERT_TRUE(a.Put({{Key(1), "in a"}}, Program(1)).ok());
  ASSERT_TRUE(b.Put({{Key(1), "in b"}, {Key(2), "also b"}}, Program(1)).ok());
  EXPECT_EQ(GetOne(a, Key(1)), "in a");
  EXPECT_EQ(GetOne(b, Key(1)), "in b");
  EXPECT_EQ(GetOne(a, Key(2)), "");
  EXPECT_EQ(IndexOf(a, Program(1)).keys, std::vector<std::string>{Key(1)});
  EXPECT_EQ(StatsOf(a).entries, 1u);
  EXPECT_EQ(StatsOf(b).entries, 2u);

  absl::StatusOr<uint64_t> swept =
      a.Sweep([](std::string_view, std::string_view) { return false; });
  ASSERT_TRUE(swept.ok()) << swept.status();
  EXPECT_EQ(*swept, 1u);
  EXPECT_EQ(GetOne(b, Key(1)), "in b");
  absl::StatusOr<uint64_t> cleared = a.Clear();
  ASSERT_TRUE(cleared.ok()) << cleared.status();
  EXPECT_EQ(*cleared, 0u);
  EXPECT_EQ(GetOne(b, Key(2)), "also b");
  EXPECT_EQ(StatsOf(b).entries, 2u);
  RawClient raw(server_.port());
  for (const std::string& k : raw.Keys("*")) EXPECT_FALSE(absl::StartsWith(k, "a*[b]?:")) << k;
}

// --- Program indexes ----------------------------------------------------------------

TEST_F(RedisStoreTest, ProgramIndexKeepsFirstStoredOrderEachKeyOnce) {
  OPEN_OR_FAIL(store, Options());
  const std::string p = Program(1), q = Program(2);
  ASSERT_EQ(Key(0).size(), kTbKeyBytes);
  // Index p to Key(2), Key(0), Key(1), Key(3), Key(9) (version 5).
  ASSERT_NO_FATAL_FAILURE(ExpectIndexInFirstStoredOrder(store, p));
  ProgramIndex beyond = IndexOf(store, p, ~uint64_t{0});
  EXPECT_TRUE(beyond.keys.empty());
  EXPECT_EQ(beyond.version, 5u);

  // AddToIndex merges: present keys and repeats are not added again; keys
  // that are not TB keys are not indexed (as LMDB).
  ASSERT_TRUE(store.AddToIndex(p, {Key(1), Key(5), Key(2), Key(5), "short", Key(4)}).ok());
  ProgramIndex i3 = IndexOf(store, p, 5);
  EXPECT_EQ(i3.keys, (std::vector<std::string>{Key(5), Key(4)}));
  EXPECT_EQ(i3.version, 7u);
  ASSERT_TRUE(store.AddToIndex(p, {Key(0), Key(4)}).ok());
  ASSERT_TRUE(store.AddToIndex(p, {}).ok());
  EXPECT_EQ(IndexOf(store, p).version, 7u);
  ASSERT_NO_FATAL_FAILURE(ExpectIndexesArePerProgram(store, p, q, /*p_version=*/7));
}

// --- Authentication ------------------------------------------------------------------

TEST_F(RedisStoreTest, KeyedValuesRoundTripWithATagThatBindsTheirName) {
  OPEN_OR_FAIL(store, Options("key one"));
  const std::string v1 = ValueFor(Key(1), 100), v2 = ValueFor(Key(2), 10);
  ASSERT_TRUE(store.Put({{Key(1), v1}, {Key(2), v2}, {Key(3), ""}}, "").ok());
  EXPECT_EQ(GetOne(store, Key(1)), v1);
  EXPECT_EQ(GetOne(store, Key(2)), v2);
  EXPECT_EQ(GetOne(store, Key(3)), "");
  EXPECT_EQ(GetOne(store, Key(4)), "");  // absent: not a rejection

  // Stored: the value, then a 32-byte tag; bytes counts what is stored.
  RawClient raw(server_.port());
  const std::string stored = raw.Get("dbt:tb:" + Key(1));
  ASSERT_EQ(stored.size(), v1.size() + 32);
  EXPECT_EQ(stored.substr(0, v1.size()), v1);
  StoreStats st = StatsOf(store);
  EXPECT_EQ(st.bytes, 100u + 10u + 0u + 3 * 32u);
  EXPECT_EQ(st.rejected, 0u);

  // The same value and tag under another name does not verify.
  ASSERT_TRUE(raw.Set("dbt:tb:" + Key(5), stored));
  EXPECT_EQ(GetOne(store, Key(5)), "");
  EXPECT_EQ(StatsOf(store).rejected, 1u);
}

TEST_F(RedisStoreTest, TamperedShortForeignAndUnkeyedValuesAreRejectedAndCounted) {
  OPEN_OR_FAIL(store, Options("the key"));
  std::vector<KeyValue> entries;
  for (int i = 0; i < 4; ++i) entries.emplace_back(Key(i), ValueFor(Key(i), 64));
  ASSERT_TRUE(store.Put(entries, "").ok());
  RawClient raw(server_.port());

  // A flipped byte in the value, and one in the tag.
  for (auto [i, pos] : {std::pair{1, 10}, std::pair{2, 64 + 31}}) {
    std::string v = raw.Get("dbt:tb:" + Key(i));
    ASSERT_EQ(v.size(), 96u);
    v[pos] ^= 0x01;
    ASSERT_TRUE(raw.Set("dbt:tb:" + Key(i), v));
  }
  // Shorter than a tag.
  ASSERT_TRUE(raw.Set("dbt:tb:" + Key(7), "short"));
  absl::StatusOr<std::vector<std::string>> got =
      store.Get({Key(0), Key(1), Key(2), Key(3), Key(7), Key(8)});
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, (std::vector<std::string>{entries[0].second, "", "", entries[3].second, "", ""}));
  EXPECT_EQ(StatsOf(store).rejected, 3u);

  // Written by a store without a key: refused by one with a key.
  OPEN_OR_FAIL(unkeyed, Options());
  ASSERT_TRUE(unkeyed.Put({{Key(10), ValueFor(Key(10), 64)}}, "").ok());
  EXPECT_EQ(GetOne(unkeyed, Key(10)), ValueFor(Key(10), 64));
  EXPECT_EQ(GetOne(store, Key(10)), "");
  EXPECT_EQ(StatsOf(store).rejected, 4u);

  // Written with one key, read with another.
  OPEN_OR_FAIL(other, Options("another key"));
  EXPECT_EQ(GetOne(other, Key(0)), "");
  EXPECT_EQ(GetOne(other, Key(3)), "");
  EXPECT_EQ(StatsOf(other).rejected, 2u);
  EXPECT_EQ(GetOne(store, Key(0)), entries[0].second);  // still fine for its own key
  EXPECT_EQ(StatsOf(store).rejected, 4u);
}

TEST_F(RedisStoreTest, SweepSeesBareValuesAndDeletesUnverifiableOnes) {
  OPEN_OR_FAIL(store, Options("sweep key"));
  std::map<std::string, std::string> all;
  std::vector<KeyValue> entries;
  for (int i = 0; i < 6; ++i) {
    entries.emplace_back(Key(i), ValueFor(Key(i), 50));
    all[Key(i)] = entries.back().second;
  }
  ASSERT_TRUE(store.Put(entries, "").ok());
  RawClient raw(server_.port());
  for (int i : {1, 4}) {  // same size: the byte count stays right
    std::string v = raw.Get("dbt:tb:" + Key(i));
    v[0] ^= 0x80;
    ASSERT_TRUE(raw.Set("dbt:tb:" + Key(i), v));
    all.erase(Key(i));
  }

  std::map<std::string, std::string> seen;
  absl::StatusOr<uint64_t> n = store.Sweep([&](std::string_view key, std::string_view value) {
    seen[std::string(key)] = std::string(value);
    return key != Key(5);
  });
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 3u);     // the two tampered ones and Key(5)
  EXPECT_EQ(seen, all);  // only verified entries, bare, each once
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(GetOne(store, Key(i)), i == 1 || i == 4 || i == 5 ? "" : entries[i].second) << i;
    EXPECT_EQ(raw.Get("dbt:tb:" + Key(i)).empty(), i == 1 || i == 4 || i == 5) << i;
  }
  StoreStats st = StatsOf(store);
  EXPECT_EQ(st.rejected, 2u);
  EXPECT_EQ(st.entries, 3u);
  EXPECT_EQ(st.bytes, 3 * (50u + 32u));
}

// --- Sweep and Clear ---------------------------------------------------------------

TEST_F(RedisStoreTest, SweepDeletesExactlyTheRefusedEntries) {
  OPEN_OR_FAIL(store, Options());
  std::map<std::string, std::string> all;
  uint64_t kept_bytes = 0;
  std::vector<KeyValue> entries;
  // More than one SCAN page.
  for (int i = 0; i < 1300; ++i) {
    entries.emplace_back(Key(i), std::string(10 + i % 50, i % 3 == 0 ? 'r' : 'k'));
    all[entries.back().first] = entries.back().second;
    if (i % 3 != 0) kept_bytes += 10 + i % 50;
  }
  ASSERT_TRUE(store.Put(entries, Program(1)).ok());

  std::map<std::string, std::string> seen;
  size_t calls = 0;
  absl::StatusOr<uint64_t> n = store.Sweep([&](std::string_view key, std::string_view value) {
    ++calls;
    seen[std::string(key)] = std::string(value);
    return value[0] == 'k';
  });
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 434u);  // i % 3 == 0
  EXPECT_EQ(calls, 1300u);
  EXPECT_EQ(seen, all);  // every entry, with its value, once
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(GetOne(store, Key(i)), i % 3 == 0 ? "" : entries[i].second) << i;
  }
  StoreStats st = StatsOf(store);
  EXPECT_EQ(st.entries, 1300u - 434u);
  EXPECT_EQ(st.bytes, kept_bytes);

  absl::StatusOr<uint64_t> again =
      store.Sweep([](std::string_view, std::string_view) { return true; });
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0u);
  EXPECT_EQ(StatsOf(store).bytes, kept_bytes);
}

TEST_F(RedisStoreTest, SweepsCallbackMayUseTheStore) {
  OPEN_OR_FAIL(store, Options());
  ASSERT_TRUE(store.Put({{Key(1), "a"}, {Key(2), "b"}}, "").ok());
  // `keep` runs without the connection's lock: calling back does not
  // deadlock.
  absl::StatusOr<uint64_t> n = store.Sweep([&](std::string_view key, std::string_view value) {
    return GetOne(store, std::string(key)) == value && value == "a";
  });
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 1u);
}

TEST_F(RedisStoreTest, ClearDeletesEveryKeyOfTheNamespaceAndNoOther) {
  OPEN_OR_FAIL(store, Options());
  std::vector<KeyValue> entries;
  for (int i = 0; i < 1500; ++i) entries.emplace_back(Key(i), ValueFor(Key(i)));
  ASSERT_TRUE(store.Put(entries, Program(1)).ok());
  ASSERT_TRUE(store.AddToIndex(Program(2), {Key(1)}).ok());
  ASSERT_EQ(StatsOf(store).programs, 2u);
  RawClient raw(server_.port());
  ASSERT_TRUE(raw.Set("elsewhere:x", "kept"));

  absl::StatusOr<uint64_t> n = store.Clear();
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 1500u);
  ExpectNothingStored(store, Key(3), Program(1));
  EXPECT_EQ(raw.Keys("*"), std::set<std::string>{"elsewhere:x"});

  // Usable afterwards, indexes start again.
  ASSERT_TRUE(store.Put({{Key(1), "again"}}, Program(1)).ok());
  EXPECT_EQ(IndexOf(store, Program(1)).keys, std::vector<std::string>{Key(1)});
  EXPECT_EQ(StatsOf(store).bytes, 5u);
}

// --- Eviction -------------------------------------------------------------------------

TEST_F(RedisStoreTest, PutOverTheLimitEvictsLeastRecentlyStoredFirst) {
  OPEN_OR_FAIL(store, Options("", 1000));
  ASSERT_TRUE(PutOneByOne(store, 3, 300, Pause).ok());
  EXPECT_EQ(StatsOf(store).bytes, 900u);
  EXPECT_EQ(StatsOf(store).evicted, 0u);
  ASSERT_NO_FATAL_FAILURE(ExpectAFourthEntryEvicts(store, /*evicted=*/0));
  EXPECT_EQ(StatsOf(store).bytes, 900u);
  RawClient raw(server_.port());
  EXPECT_EQ(raw.Get("dbt:tb:" + Key(0)), "");
}

TEST_F(RedisStoreTest, TouchMakesAnEntryRecentlyUsed) {
  OPEN_OR_FAIL(store, Options("", 1000));
  ASSERT_TRUE(PutOneByOne(store, 3, 300, Pause).ok());
  ASSERT_TRUE(store.Touch({Key(0), Key(77)}).ok());  // Key(77) is absent: ignored
  ASSERT_TRUE(store.Touch({}).ok());
  Pause();
  // Key(1) is now the least recently used; 3 entries: Touch did not store
  // Key(77).
  ASSERT_NO_FATAL_FAILURE(ExpectAFourthEntryEvicts(store, /*evicted=*/1));
}

TEST_F(RedisStoreTest, EvictDeletesLeastRecentlyUsedDownToTarget) {
  OPEN_OR_FAIL(store, Options());  // no limit: only explicit eviction
  ASSERT_NO_FATAL_FAILURE(ExpectEvictDownToTargetLeastRecentlyUsedFirst(store, Pause));
}

TEST_F(RedisStoreTest, EvictionOfManyEntriesTakesSeveralBoundedSteps) {
  OPEN_OR_FAIL(store, Options());
  std::vector<KeyValue> entries;
  for (int i = 0; i < 1000; ++i) entries.emplace_back(Key(i), std::string(10, 'v'));
  ASSERT_TRUE(store.Put(entries, "").ok());
  absl::StatusOr<uint64_t> n = store.Evict(100);  // more than one script's worth
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 990u);
  StoreStats st = StatsOf(store);
  EXPECT_EQ(st.entries, 10u);
  EXPECT_EQ(st.bytes, 100u);
}

// --- Pipelining -------------------------------------------------------------------------

TEST_F(RedisStoreTest, ManyKeysTakeOneRoundTripNotOnePerKey) {
  OPEN_OR_FAIL(store, Options());
  constexpr int kKeys = 1000;
  std::vector<KeyValue> entries;
  std::vector<std::string> keys;
  for (int i = 0; i < kKeys; ++i) {
    keys.push_back(Key(i));
    entries.emplace_back(keys.back(), ValueFor(keys.back()));
  }
  ASSERT_TRUE(store.Put(entries, Program(1)).ok());
  RawClient raw(server_.port());

  // The server counts the reads it does on its sockets: a pipeline of 1000
  // GETs (~75 KB) arrives in a few, one round trip per key would take 1000.
  const int64_t reads_before = raw.InfoField("stats", "total_reads_processed");
  absl::StatusOr<std::vector<std::string>> got = store.Get(keys);
  const int64_t reads_after = raw.InfoField("stats", "total_reads_processed");
  ASSERT_TRUE(got.ok()) << got.status();
  for (int i = 0; i < kKeys; ++i) ASSERT_EQ((*got)[i], entries[i].second) << i;
  ASSERT_GE(reads_before, 0);
  EXPECT_LT(reads_after - reads_before, 100);

  const int64_t touch_before = raw.InfoField("stats", "total_reads_processed");
  ASSERT_TRUE(store.Touch(keys).ok());
  EXPECT_LT(raw.InfoField("stats", "total_reads_processed") - touch_before, 20);
  EXPECT_EQ(IndexOf(store, Program(1)).keys, keys);
}

// --- Failures --------------------------------------------------------------------------

TEST_F(RedisStoreTest, AKilledServerFailsCallsAndANewOneIsUsedAfterReconnecting) {
  OPEN_OR_FAIL(store, Options());
  ASSERT_TRUE(store.Put({{Key(1), "one"}}, Program(1)).ok());
  const int port = server_.port();
  server_.Kill();

  // Each call fails with Unavailable naming the server, none crashes (the
  // first, a big Put, writes into the closed socket: SIGPIPE must not kill
  // the test).
  const std::string where = absl::StrCat("127.0.0.1:", port);
  const std::vector<KeyValue> big = {{Key(2), std::string(8 << 20, 'x')}};
  std::vector<absl::Status> failures;
  failures.push_back(store.Put(big, Program(1)));
  failures.push_back(store.Get({Key(1)}).status());
  failures.push_back(store.Put({{Key(3), "3"}}, ""));
  failures.push_back(store.GetIndex(Program(1), 0).status());
  failures.push_back(store.AddToIndex(Program(1), {Key(1)}));
  failures.push_back(store.Touch({Key(1)}));
  failures.push_back(store.Evict(0).status());
  failures.push_back(store.Clear().status());
  failures.push_back(store.Stats().status());
  failures.push_back(store.Sweep([](std::string_view, std::string_view) { return true; }).status());
  for (const absl::Status& s : failures) {
    EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
    EXPECT_TRUE(absl::StrContains(s.message(), where)) << s;
  }

  // A new server on the same address: the same store object works again
  // (it starts empty: nothing persisted).
  absl::Status started = server_.Start(port);
  ASSERT_TRUE(started.ok()) << started;
  EXPECT_EQ(GetOne(store, Key(1)), "");
  ASSERT_TRUE(store.Put({{Key(4), "four"}}, Program(1)).ok());
  EXPECT_EQ(GetOne(store, Key(4)), "four");
  EXPECT_EQ(IndexOf(store, Program(1)).keys, std::vector<std::string>{Key(4)});

  // A server restarted between two calls (the store's connection broken
  // without it knowing): the next call reconnects once and succeeds.
  server_.Kill();
  started = server_.Start(port);
  ASSERT_TRUE(started.ok()) << started;
  ASSERT_TRUE(store.Put({{Key(5), "five"}}, "").ok());
  EXPECT_EQ(GetOne(store, Key(5)), "five");
}

TEST_F(RedisStoreTest, AServerThatDoesNotAnswerIsADeadlineExceeded) {
  RedisStoreOptions o = Options();
  o.timeout = absl::Milliseconds(300);
  OPEN_OR_FAIL(store, o);
  ASSERT_TRUE(store.Put({{Key(1), "one"}}, "").ok());
  ASSERT_EQ(kill(server_.pid(), SIGSTOP), 0);
  const absl::Time start = absl::Now();
  absl::Status s = store.Get({Key(1)}).status();
  const absl::Duration took = absl::Now() - start;
  kill(server_.pid(), SIGCONT);
  EXPECT_EQ(s.code(), absl::StatusCode::kDeadlineExceeded) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), absl::StrCat("127.0.0.1:", server_.port()))) << s;
  EXPECT_LT(took, absl::Seconds(2));        // not retried
  EXPECT_EQ(GetOne(store, Key(1)), "one");  // a new connection once it answers
}

// --- Concurrency -------------------------------------------------------------------------

TEST_F(RedisStoreTest, ThreadsShareOneStore) {
  OPEN_OR_FAIL(store, Options("thread key"));
  const std::string program = Program(5);
  EXPECT_EQ(StoreFromSixThreads(store, program, /*touch=*/true), 0);
  const StoreStats st = ExpectEachIndexedKeyStoredOnce(store, program, /*tag_bytes=*/32);
  EXPECT_EQ(st.rejected, 0u);
}

TEST_F(RedisStoreTest, ProcessesWritingAtOnceLoseNothingAndDuplicateNothing) {
  const WriterKeys writers{.procs = 8, .own = 200, .shared = 50};
  const std::string program = Program(7);
  const RedisStoreOptions options = Options("process key");
  ASSERT_NO_FATAL_FAILURE(RunProcessesAtOnce(writers.procs, [&](int proc) {
    // Its own store object, as another host would have.
    absl::StatusOr<std::unique_ptr<Store>> store = OpenRedisStore(options);
    if (!store.ok()) {
      fprintf(stderr, "child %d: open: %s\n", proc, store.status().ToString().c_str());
      return 2;
    }
    const int code = StoreAndReadBack(**store, writers.Order(proc), program, proc);
    store->reset();
    return code;
  }));

  OPEN_OR_FAIL(store, options);
  const std::vector<std::string> all = writers.All();
  uint64_t bytes = 0;
  for (const std::string& k : all) bytes += ValueFor(k).size() + 32;

  // Every entry once, intact.
  absl::StatusOr<std::vector<std::string>> got = store.Get(all);
  ASSERT_TRUE(got.ok()) << got.status();
  for (size_t i = 0; i < all.size(); ++i) ASSERT_EQ((*got)[i], ValueFor(all[i])) << i;
  StoreStats st = StatsOf(store);
  EXPECT_EQ(st.entries, all.size());
  EXPECT_EQ(st.bytes, bytes);
  EXPECT_EQ(st.rejected, 0u);
  EXPECT_EQ(st.programs, 1u);

  // The index: exactly the union, each key once; each process's own keys
  // (only it adds them) in the order it stored them.
  ProgramIndex index = IndexOf(store, program);
  EXPECT_EQ(index.version, all.size());
  EXPECT_EQ(std::multiset<std::string>(index.keys.begin(), index.keys.end()),
            std::multiset<std::string>(all.begin(), all.end()));
  for (int proc = 0; proc < writers.procs; ++proc) {
    const std::vector<std::string> stored(all.begin() + proc * writers.own,
                                          all.begin() + (proc + 1) * writers.own);
    const std::set<std::string> mine(stored.begin(), stored.end());
    std::vector<std::string> listed;
    for (const std::string& k : index.keys) {
      if (mine.count(k) != 0) listed.push_back(k);
    }
    EXPECT_EQ(listed, stored) << "process " << proc;
  }
}

}  // namespace
}  // namespace dbt::cache::testing
