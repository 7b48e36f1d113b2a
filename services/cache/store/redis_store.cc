#include "services/cache/store/redis_store.h"

#include <errno.h>
#include <hiredis/hiredis.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <limits>
#include <mutex>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/cache/tb_entry.h"

namespace dbt::cache {
namespace {

constexpr size_t kTagBytes = 32;  // HMAC-SHA256
// Batch sizes: members per ZADD / keys per delete script / SCAN's COUNT
// hint, and entries one eviction script may look at (a script blocks the
// server while it runs, so each does a bounded amount of work).
constexpr size_t kChunk = 512;
constexpr int kEvictStepsPerScript = 256;

// KEYS: entry, bytes, atime. ARGV: value, now (ms), member (the TB key).
// Stores the entry unless present; a first write adds its size to bytes and
// its use time, in the same atomic step. Returns the new byte total, or -1
// when the entry was there already.
constexpr absl::string_view kPutEntryScript = R"lua(
if redis.call('SET', KEYS[1], ARGV[1], 'NX') then
  redis.call('ZADD', KEYS[3], ARGV[2], ARGV[3])
  return redis.call('INCRBY', KEYS[2], string.len(ARGV[1]))
end
return -1
)lua";

// KEYS: list, set, programs. ARGV: program, then the keys to add. Appends
// the keys the set did not have, in order; SADD's answer decides, so two
// writers adding the same key at once list it once. Returns how many.
constexpr absl::string_view kIndexScript = R"lua(
local added = 0
for i = 2, #ARGV do
  if redis.call('SADD', KEYS[2], ARGV[i]) == 1 then
    redis.call('RPUSH', KEYS[1], ARGV[i])
    added = added + 1
  end
end
if added > 0 then redis.call('SADD', KEYS[3], ARGV[1]) end
return added
)lua";

// KEYS: bytes, atime. ARGV: the entries' key prefix (PREFIX "tb:"), then
// members. Deletes each entry with its use time; bytes shrinks only for an
// entry this call deleted, so racing deleters never subtract twice.
// Returns how many entries it deleted.
constexpr absl::string_view kDeleteScript = R"lua(
local deleted = 0
for i = 2, #ARGV do
  local name = ARGV[1] .. ARGV[i]
  local size = redis.call('STRLEN', name)
  if redis.call('DEL', name) == 1 then
    redis.call('DECRBY', KEYS[1], size)
    deleted = deleted + 1
  end
  redis.call('ZREM', KEYS[2], ARGV[i])
end
return deleted
)lua";

// KEYS: bytes, atime. ARGV: the entries' key prefix, target bytes, steps.
// Deletes least-recently-used entries while bytes > target, looking at no
// more than `steps` members. Returns {deleted, 1 when it stopped only
// because of `steps`}.
constexpr absl::string_view kEvictScript = R"lua(
local target = tonumber(ARGV[2])
local steps = tonumber(ARGV[3])
local deleted = 0
while steps > 0 and tonumber(redis.call('GET', KEYS[1]) or '0') > target do
  local oldest = redis.call('ZRANGE', KEYS[2], 0, 0)
  if #oldest == 0 then break end
  local name = ARGV[1] .. oldest[1]
  local size = redis.call('STRLEN', name)
  if redis.call('DEL', name) == 1 then
    redis.call('DECRBY', KEYS[1], size)
    deleted = deleted + 1
  end
  redis.call('ZREM', KEYS[2], oldest[1])
  steps = steps - 1
end
local more = 0
if steps == 0 then more = 1 end
return {deleted, more}
)lua";

struct FreeReply {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, FreeReply>;

// One command's arguments: views of strings that live until Run returns.
using Command = std::vector<absl::string_view>;

absl::string_view Str(const redisReply& r) { return absl::string_view(r.str, r.len); }

int64_t NowMs() { return absl::ToUnixMillis(absl::Now()); }

// HOST:PORT, IPv6 addresses in brackets.
std::string HostPort(const std::string& host, int port) {
  return host.find(':') == std::string::npos ? absl::StrCat(host, ":", port)
                                             : absl::StrCat("[", host, "]:", port);
}

// `text` with the characters SCAN's MATCH treats specially escaped.
std::string GlobEscape(absl::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

// The status for an error reply, by what the server said.
absl::Status ServerError(absl::string_view message, absl::string_view where) {
  const std::string text = absl::StrCat(where, ": ", message);
  if (absl::StartsWith(message, "OOM")) return absl::ResourceExhaustedError(text);
  if (absl::StartsWith(message, "NOAUTH") || absl::StartsWith(message, "NOPERM") ||
      absl::StartsWith(message, "WRONGPASS")) {
    return absl::PermissionDeniedError(text);
  }
  if (absl::StartsWith(message, "LOADING") || absl::StartsWith(message, "BUSY")) {
    return absl::UnavailableError(text);
  }
  if (absl::StartsWith(message, "READONLY")) return absl::FailedPreconditionError(text);
  return absl::InternalError(text);
}

// The first error reply among `replies` (an EXEC's array included).
absl::Status FirstError(absl::Span<const Reply> replies, absl::string_view where) {
  for (const Reply& r : replies) {
    if (r->type == REDIS_REPLY_ERROR) return ServerError(Str(*r), where);
    if (r->type != REDIS_REPLY_ARRAY) continue;
    for (size_t i = 0; i < r->elements; ++i) {
      if (r->element[i]->type == REDIS_REPLY_ERROR) return ServerError(Str(*r->element[i]), where);
    }
  }
  return absl::OkStatus();
}

absl::Status Unexpected(const redisReply& r, absl::string_view where) {
  return absl::InternalError(absl::StrCat(where, ": unexpected reply (type ", r.type, ")"));
}

absl::StatusOr<int64_t> IntegerOf(const redisReply& r, absl::string_view where) {
  if (r.type == REDIS_REPLY_INTEGER) return static_cast<int64_t>(r.integer);
  if (r.type == REDIS_REPLY_NIL) return 0;  // a counter not set yet
  int64_t n = 0;
  if (r.type == REDIS_REPLY_STRING && absl::SimpleAtoi(Str(r), &n)) return n;
  return Unexpected(r, where);
}

// Blocks SIGPIPE in this thread while hiredis writes: a server that went
// away must fail the call, not kill the process, and a library cannot
// ignore the signal process-wide. A SIGPIPE raised meanwhile is consumed
// before the mask is restored.
class ScopedSigpipeBlock {
 public:
  ScopedSigpipeBlock() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  ~ScopedSigpipeBlock() {
    sigset_t pending;
    sigpending(&pending);
    if (!was_pending_ && sigismember(&pending, SIGPIPE) == 1) {
      const timespec zero{0, 0};
      while (sigtimedwait(&pipe_, nullptr, &zero) < 0 && errno == EINTR) {
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  ScopedSigpipeBlock(const ScopedSigpipeBlock&) = delete;
  ScopedSigpipeBlock& operator=(const ScopedSigpipeBlock&) = delete;

 private:
  sigset_t pipe_, old_;
  bool was_pending_ = false;
};

class RedisStore final : public Store {
 public:
  explicit RedisStore(const RedisStoreOptions& options)
      : options_(options),
        where_(absl::StrCat("redis at ", HostPort(options.host, options.port))),
        tb_prefix_(absl::StrCat(options.prefix, "tb:")),
        atime_key_(absl::StrCat(options.prefix, "atime")),
        bytes_key_(absl::StrCat(options.prefix, "bytes")),
        programs_key_(absl::StrCat(options.prefix, "programs")) {}

  ~RedisStore() override {
    if (context_ != nullptr) redisFree(context_);
  }

  absl::Status Connect() {
    std::lock_guard<std::mutex> lock(mutex_);
    return ConnectLocked();
  }

  absl::Status Put(absl::Span<const KeyValue> entries, const std::string& program) override;
  absl::StatusOr<std::vector<std::string>> Get(absl::Span<const std::string> keys) override;
  absl::StatusOr<ProgramIndex> GetIndex(const std::string& program, uint64_t since) override;
  absl::Status AddToIndex(const std::string& program, absl::Span<const std::string> keys) override;
  absl::Status Touch(absl::Span<const std::string> keys) override;
  absl::StatusOr<uint64_t> Sweep(
      const std::function<bool(std::string_view, std::string_view)>& keep) override;
  absl::StatusOr<uint64_t> Evict(uint64_t target_bytes) override;
  absl::StatusOr<uint64_t> Clear() override;
  absl::StatusOr<StoreStats> Stats() override;
  bool writable() const override { return true; }

 private:
  std::string EntryName(absl::string_view key) const { return absl::StrCat(tb_prefix_, key); }
  std::string ListName(absl::string_view program) const {
    return absl::StrCat(options_.prefix, "prog:", program);
  }
  std::string SetName(absl::string_view program) const {
    return absl::StrCat(options_.prefix, "progset:", program);
  }
  std::string Where(absl::string_view what) const { return absl::StrCat(what, " on ", where_); }

  // --- Connection (mutex_ held) ---
  absl::Status ConnectLocked();
  void DisconnectLocked();
  absl::Status ContextErrorLocked(absl::string_view what, int saved_errno) const;
  absl::StatusOr<std::vector<Reply>> RunOnceLocked(absl::Span<const Command> commands,
                                                   absl::string_view what);
  // Sends every command, then reads every reply: one round trip for the
  // lot. Replies may be error replies; the connection failing is a status.
  absl::StatusOr<std::vector<Reply>> Run(absl::Span<const Command> commands,
                                         absl::string_view what);

  // --- Authentication ---
  std::string Tag(absl::string_view name, absl::string_view value) const;
  // What to store for `value` at `name` (value || tag with a key).
  std::string Seal(absl::string_view name, absl::string_view value) const;
  // The value stored at `name`, or nullopt when its tag does not verify.
  std::optional<absl::string_view> Unseal(absl::string_view name, absl::string_view stored) const;

  // --- Pieces of the operations ---
  // The EVAL that adds `keys` (the TB-sized ones) to the index; views into
  // `names`, which must outlive it. nullopt when there is nothing to add.
  std::optional<Command> IndexCommand(const std::string& program,
                                      absl::Span<const std::string> keys,
                                      std::vector<std::string>& names) const;
  absl::StatusOr<uint64_t> EvictTo(uint64_t target_bytes);
  absl::StatusOr<uint64_t> DeleteEntries(absl::Span<const std::string> members);
  // One SCAN step over keys matching `pattern`: the next cursor ("0" at
  // the end) and the names found.
  absl::StatusOr<std::pair<std::string, std::vector<std::string>>> ScanStep(
      const std::string& cursor, const std::string& pattern, absl::string_view what);
  // Sweep's work on one page of entry names.
  absl::StatusOr<uint64_t> SweepPage(
      absl::Span<const std::string> names,
      const std::function<bool(std::string_view, std::string_view)>& keep);

  const RedisStoreOptions options_;
  const std::string where_;  // "redis at HOST:PORT", for messages
  const std::string tb_prefix_, atime_key_, bytes_key_, programs_key_;
  std::mutex mutex_;
  redisContext* context_ = nullptr;  // guarded by mutex_; null: not connected
  std::atomic<uint64_t> evicted_{0};
  std::atomic<uint64_t> rejected_{0};
};

// --- Connection ---------------------------------------------------------------

absl::Status RedisStore::ConnectLocked() {
  const timeval tv = absl::ToTimeval(options_.timeout);
  redisContext* c = redisConnectWithTimeout(options_.host.c_str(), options_.port, tv);
  if (c == nullptr || c->err != 0) {
    const std::string why = c == nullptr ? "out of memory" : c->errstr;
    if (c != nullptr) redisFree(c);
    return absl::UnavailableError(absl::StrCat("cannot reach ", where_, ": ", why));
  }
  if (redisSetTimeout(c, tv) != REDIS_OK) {
    const std::string why = c->errstr;
    redisFree(c);
    return absl::UnavailableError(absl::StrCat("cannot set timeouts on ", where_, ": ", why));
  }
  redisEnableKeepAlive(c);  // a broken idle connection shows up before a call waits on it
  context_ = c;
  if (options_.db == 0) return absl::OkStatus();
  // SELECT belongs to the connection: every new one needs it.
  const std::string db = absl::StrCat(options_.db);
  const Command select = {"SELECT", db};
  absl::StatusOr<std::vector<Reply>> r = RunOnceLocked({select}, "select");
  absl::Status s = r.ok() ? FirstError(*r, Where(absl::StrCat("SELECT ", db))) : r.status();
  if (!s.ok()) {
    DisconnectLocked();
    if (absl::IsInternal(s)) return absl::InvalidArgumentError(s.message());  // no such DB
  }
  return s;
}

void RedisStore::DisconnectLocked() {
  if (context_ != nullptr) redisFree(context_);
  context_ = nullptr;
}

absl::Status RedisStore::ContextErrorLocked(absl::string_view what, int saved_errno) const {
  const std::string text = absl::StrCat(Where(what), ": ", context_->errstr);
  if (context_->err == REDIS_ERR_IO && (saved_errno == EAGAIN || saved_errno == EWOULDBLOCK)) {
    return absl::DeadlineExceededError(
        absl::StrCat(Where(what), ": no answer within ", absl::FormatDuration(options_.timeout)));
  }
  if (context_->err == REDIS_ERR_IO || context_->err == REDIS_ERR_EOF) {
    return absl::UnavailableError(text);
  }
  return absl::InternalError(text);
}

absl::StatusOr<std::vector<Reply>> RedisStore::RunOnceLocked(absl::Span<const Command> commands,
                                                             absl::string_view what) {
  ScopedSigpipeBlock no_sigpipe;
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  for (const Command& command : commands) {
    argv.clear();
    lengths.clear();
    for (absl::string_view arg : command) {
      argv.push_back(arg.data());
      lengths.push_back(arg.size());
    }
    // Only buffered here; written by the first redisGetReply.
    if (redisAppendCommandArgv(context_, static_cast<int>(argv.size()), argv.data(),
                               lengths.data()) != REDIS_OK) {
      return ContextErrorLocked(what, errno);
    }
  }
  std::vector<Reply> replies;
  replies.reserve(commands.size());
  for (size_t i = 0; i < commands.size(); ++i) {
    void* reply = nullptr;
    if (redisGetReply(context_, &reply) != REDIS_OK) return ContextErrorLocked(what, errno);
    replies.emplace_back(static_cast<redisReply*>(reply));
  }
  return replies;
}

absl::StatusOr<std::vector<Reply>> RedisStore::Run(absl::Span<const Command> commands,
                                                   absl::string_view what) {
  std::lock_guard<std::mutex> lock(mutex_);
  // A connection that broke (the server restarted, a proxy dropped it) is
  // replaced once. Sending a pipeline again after it failed part-way is
  // safe because every one here is idempotent: writes are SET NX, SADD-
  // guarded appends, ZADD XX and deletes, never a bare counter change.
  for (int attempt = 0;; ++attempt) {
    if (context_ == nullptr) {
      if (absl::Status s = ConnectLocked(); !s.ok()) return s;
    }
    absl::StatusOr<std::vector<Reply>> replies = RunOnceLocked(commands, what);
    if (replies.ok()) return replies;
    DisconnectLocked();  // replies may still be on their way: never reuse it
    if (attempt == 1 || !absl::IsUnavailable(replies.status())) return replies.status();
  }
}

// --- Authentication -------------------------------------------------------------

std::string RedisStore::Tag(absl::string_view name, absl::string_view value) const {
  std::string message(8, '\0');
  for (int i = 0; i < 8; ++i) message[i] = static_cast<char>(uint64_t{name.size()} >> (8 * i));
  absl::StrAppend(&message, name, value);
  unsigned char tag[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), options_.hmac_key.data(), static_cast<int>(options_.hmac_key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), tag, &size);
  return std::string(reinterpret_cast<const char*>(tag), size);
}

std::string RedisStore::Seal(absl::string_view name, absl::string_view value) const {
  return absl::StrCat(value, Tag(name, value));
}

std::optional<absl::string_view> RedisStore::Unseal(absl::string_view name,
                                                    absl::string_view stored) const {
  if (options_.hmac_key.empty()) return stored;
  if (stored.size() < kTagBytes) return std::nullopt;
  const absl::string_view value = stored.substr(0, stored.size() - kTagBytes);
  const std::string expected = Tag(name, value);
  // Constant time: how much of a forged tag matched must not show.
  if (expected.size() != kTagBytes ||
      CRYPTO_memcmp(expected.data(), stored.data() + value.size(), kTagBytes) != 0) {
    return std::nullopt;
  }
  return value;
}

// --- Entries ------------------------------------------------------------------------

std::optional<Command> RedisStore::IndexCommand(const std::string& program,
                                                absl::Span<const std::string> keys,
                                                std::vector<std::string>& names) const {
  names = {ListName(program), SetName(program)};
  Command eval = {"EVAL", kIndexScript, "3", names[0], names[1], programs_key_, program};
  for (const std::string& key : keys) {
    if (key.size() == kTbKeyBytes) eval.push_back(key);  // as LMDB: only TB keys
  }
  if (eval.size() == 7) return std::nullopt;
  return eval;
}

absl::Status RedisStore::Put(absl::Span<const KeyValue> entries, const std::string& program) {
  if (entries.empty()) return absl::OkStatus();
  const std::string now = absl::StrCat(NowMs());
  std::vector<std::string> names, sealed, index_names, keys;
  names.reserve(entries.size());
  sealed.reserve(entries.size());
  keys.reserve(entries.size());
  // One transaction: the entries, then the index, so that a reader never
  // finds an index naming an entry of this Put that is not stored yet.
  std::vector<Command> commands = {{"MULTI"}};
  for (const auto& [key, value] : entries) {
    names.push_back(EntryName(key));
    keys.push_back(key);
    absl::string_view stored = value;
    if (!options_.hmac_key.empty()) stored = sealed.emplace_back(Seal(names.back(), value));
    commands.push_back(
        {"EVAL", kPutEntryScript, "3", names.back(), bytes_key_, atime_key_, stored, now, key});
  }
  if (!program.empty()) {
    if (std::optional<Command> index = IndexCommand(program, keys, index_names)) {
      commands.push_back(*std::move(index));
    }
  }
  commands.push_back({"EXEC"});

  absl::StatusOr<std::vector<Reply>> replies = Run(commands, "cache put");
  if (!replies.ok()) return replies.status();
  if (absl::Status s = FirstError(*replies, Where("cache put")); !s.ok()) return s;
  const redisReply& exec = *replies->back();
  if (exec.type != REDIS_REPLY_ARRAY || exec.elements != commands.size() - 2) {
    return Unexpected(exec, Where("cache put (EXEC)"));
  }
  int64_t total = -1;  // the byte total after the last first write, if any
  for (size_t i = 0; i < entries.size(); ++i) {
    absl::StatusOr<int64_t> n = IntegerOf(*exec.element[i], Where("cache put"));
    if (!n.ok()) return n.status();
    total = std::max(total, *n);
  }
  if (options_.max_bytes == 0 || total < 0 || static_cast<uint64_t>(total) <= options_.max_bytes) {
    return absl::OkStatus();
  }
  // Down to 90% of the limit, so that the next puts do not evict again.
  absl::StatusOr<uint64_t> evicted = EvictTo(options_.max_bytes / 10 * 9);
  return evicted.status();
}

absl::StatusOr<std::vector<std::string>> RedisStore::Get(absl::Span<const std::string> keys) {
  std::vector<std::string> names;
  names.reserve(keys.size());
  std::vector<Command> commands;
  commands.reserve(keys.size());
  for (const std::string& key : keys) {
    names.push_back(EntryName(key));
    commands.push_back({"GET", names.back()});
  }
  absl::StatusOr<std::vector<Reply>> replies = Run(commands, "cache get");
  if (!replies.ok()) return replies.status();
  if (absl::Status s = FirstError(*replies, Where("cache get")); !s.ok()) return s;
  std::vector<std::string> values(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    const redisReply& r = *(*replies)[i];
    if (r.type == REDIS_REPLY_NIL) continue;  // absent
    if (r.type != REDIS_REPLY_STRING) return Unexpected(r, Where("cache get"));
    if (std::optional<absl::string_view> value = Unseal(names[i], Str(r))) {
      values[i] = std::string(*value);
    } else {
      rejected_.fetch_add(1, std::memory_order_relaxed);
    }
  }
  return values;
}

absl::Status RedisStore::Touch(absl::Span<const std::string> keys) {
  if (keys.empty()) return absl::OkStatus();
  const std::string now = absl::StrCat(NowMs());
  // XX: only members already there, i.e. stored entries (as LMDB, Touch of
  // an absent key records nothing).
  std::vector<Command> commands;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i % kChunk == 0) commands.push_back({"ZADD", atime_key_, "XX"});
    commands.back().push_back(now);
    commands.back().push_back(keys[i]);
  }
  absl::StatusOr<std::vector<Reply>> replies = Run(commands, "cache touch");
  if (!replies.ok()) return replies.status();
  return FirstError(*replies, Where("cache touch"));
}

// --- Program indexes ---------------------------------------------------------------

absl::StatusOr<ProgramIndex> RedisStore::GetIndex(const std::string& program, uint64_t since) {
  const std::string list = ListName(program);
  const std::string start =
      absl::StrCat(std::min<uint64_t>(since, std::numeric_limits<int64_t>::max()));
  // In one transaction, so that the version counts exactly what came before
  // and with the keys returned.
  const Command commands[] = {{"MULTI"}, {"LLEN", list}, {"LRANGE", list, start, "-1"}, {"EXEC"}};
  absl::StatusOr<std::vector<Reply>> replies = Run(commands, "cache index read");
  if (!replies.ok()) return replies.status();
  if (absl::Status s = FirstError(*replies, Where("cache index read")); !s.ok()) return s;
  const redisReply& exec = *replies->back();
  if (exec.type != REDIS_REPLY_ARRAY || exec.elements != 2 ||
      exec.element[0]->type != REDIS_REPLY_INTEGER || exec.element[1]->type != REDIS_REPLY_ARRAY) {
    return Unexpected(exec, Where("cache index read"));
  }
  ProgramIndex index;
  index.version = static_cast<uint64_t>(exec.element[0]->integer);
  const redisReply& keys = *exec.element[1];
  index.keys.reserve(keys.elements);
  for (size_t i = 0; i < keys.elements; ++i) {
    if (keys.element[i]->type != REDIS_REPLY_STRING) {
      return Unexpected(*keys.element[i], Where("cache index read"));
    }
    index.keys.emplace_back(Str(*keys.element[i]));
  }
  return index;
}

absl::Status RedisStore::AddToIndex(const std::string& program,
                                    absl::Span<const std::string> keys) {
  std::vector<std::string> names;
  std::optional<Command> eval = IndexCommand(program, keys, names);
  if (!eval) return absl::OkStatus();
  absl::StatusOr<std::vector<Reply>> replies = Run({*eval}, "cache index write");
  if (!replies.ok()) return replies.status();
  return FirstError(*replies, Where("cache index write"));
}

// --- Deleting --------------------------------------------------------------------

absl::StatusOr<uint64_t> RedisStore::DeleteEntries(absl::Span<const std::string> members) {
  std::vector<Command> commands;
  for (size_t i = 0; i < members.size(); ++i) {
    if (i % kChunk == 0) {
      commands.push_back({"EVAL", kDeleteScript, "2", bytes_key_, atime_key_, tb_prefix_});
    }
    commands.back().push_back(members[i]);
  }
  absl::StatusOr<std::vector<Reply>> replies = Run(commands, "cache delete");
  if (!replies.ok()) return replies.status();
  if (absl::Status s = FirstError(*replies, Where("cache delete")); !s.ok()) return s;
  uint64_t deleted = 0;
  for (const Reply& r : *replies) {
    absl::StatusOr<int64_t> n = IntegerOf(*r, Where("cache delete"));
    if (!n.ok()) return n.status();
    deleted += static_cast<uint64_t>(*n);
  }
  return deleted;
}

absl::StatusOr<uint64_t> RedisStore::EvictTo(uint64_t target_bytes) {
  const std::string target = absl::StrCat(target_bytes);
  const std::string steps = absl::StrCat(kEvictStepsPerScript);
  const Command eval = {"EVAL",     kEvictScript, "2",    bytes_key_,
                        atime_key_, tb_prefix_,   target, steps};
  uint64_t deleted = 0;
  // Script after script, each a bounded step, until one finishes.
  for (;;) {
    absl::StatusOr<std::vector<Reply>> replies = Run({eval}, "cache evict");
    if (!replies.ok()) return replies.status();
    if (absl::Status s = FirstError(*replies, Where("cache evict")); !s.ok()) return s;
    const redisReply& r = *replies->front();
    if (r.type != REDIS_REPLY_ARRAY || r.elements != 2 ||
        r.element[0]->type != REDIS_REPLY_INTEGER || r.element[1]->type != REDIS_REPLY_INTEGER) {
      return Unexpected(r, Where("cache evict"));
    }
    deleted += static_cast<uint64_t>(r.element[0]->integer);
    evicted_.fetch_add(static_cast<uint64_t>(r.element[0]->integer), std::memory_order_relaxed);
    if (r.element[1]->integer == 0) return deleted;
  }
}

absl::StatusOr<uint64_t> RedisStore::Evict(uint64_t target_bytes) { return EvictTo(target_bytes); }

absl::StatusOr<std::pair<std::string, std::vector<std::string>>> RedisStore::ScanStep(
    const std::string& cursor, const std::string& pattern, absl::string_view what) {
  const std::string count = absl::StrCat(kChunk);
  const Command scan = {"SCAN", cursor, "MATCH", pattern, "COUNT", count};
  absl::StatusOr<std::vector<Reply>> replies = Run({scan}, what);
  if (!replies.ok()) return replies.status();
  if (absl::Status s = FirstError(*replies, Where(what)); !s.ok()) return s;
  const redisReply& r = *replies->front();
  if (r.type != REDIS_REPLY_ARRAY || r.elements != 2 || r.element[0]->type != REDIS_REPLY_STRING ||
      r.element[1]->type != REDIS_REPLY_ARRAY) {
    return Unexpected(r, Where(what));
  }
  std::pair<std::string, std::vector<std::string>> step;
  step.first = std::string(Str(*r.element[0]));
  for (size_t i = 0; i < r.element[1]->elements; ++i) {
    step.second.emplace_back(Str(*r.element[1]->element[i]));
  }
  return step;
}

absl::StatusOr<uint64_t> RedisStore::SweepPage(
    absl::Span<const std::string> names,
    const std::function<bool(std::string_view, std::string_view)>& keep) {
  std::vector<Command> commands;
  for (const std::string& name : names) commands.push_back({"GET", name});
  absl::StatusOr<std::vector<Reply>> replies = Run(commands, "cache sweep");
  if (!replies.ok()) return replies.status();
  if (absl::Status s = FirstError(*replies, Where("cache sweep")); !s.ok()) return s;
  // `keep` runs without the connection's lock: it may take its time, or
  // call the store.
  std::vector<std::string> doomed;
  for (size_t i = 0; i < names.size(); ++i) {
    const redisReply& r = *(*replies)[i];
    if (r.type != REDIS_REPLY_STRING) continue;  // deleted meanwhile
    const absl::string_view key = absl::string_view(names[i]).substr(tb_prefix_.size());
    const std::optional<absl::string_view> value = Unseal(names[i], Str(r));
    if (!value) rejected_.fetch_add(1, std::memory_order_relaxed);
    if (!value || !keep(std::string_view(key.data(), key.size()),
                        std::string_view(value->data(), value->size()))) {
      doomed.emplace_back(key);
    }
  }
  if (doomed.empty()) return 0;
  return DeleteEntries(doomed);
}

absl::StatusOr<uint64_t> RedisStore::Sweep(
    const std::function<bool(std::string_view, std::string_view)>& keep) {
  const std::string pattern = absl::StrCat(GlobEscape(tb_prefix_), "*");
  // SCAN returns every key present throughout at least once, some twice:
  // `keep` sees each entry once.
  absl::flat_hash_set<std::string> seen;
  uint64_t deleted = 0;
  std::string cursor = "0";
  do {
    absl::StatusOr<std::pair<std::string, std::vector<std::string>>> step =
        ScanStep(cursor, pattern, "cache sweep (SCAN)");
    if (!step.ok()) return step.status();
    cursor = std::move(step->first);
    std::vector<std::string> fresh;
    for (std::string& name : step->second) {
      if (seen.insert(name).second) fresh.push_back(std::move(name));
    }
    absl::StatusOr<uint64_t> n = SweepPage(fresh, keep);
    if (!n.ok()) return n.status();
    deleted += *n;
  } while (cursor != "0");
  return deleted;
}

absl::StatusOr<uint64_t> RedisStore::Clear() {
  const std::string pattern = absl::StrCat(GlobEscape(options_.prefix), "*");
  uint64_t entries = 0;
  std::string cursor = "0";
  // SCAN, not KEYS: the server keeps answering other hosts meanwhile.
  do {
    absl::StatusOr<std::pair<std::string, std::vector<std::string>>> step =
        ScanStep(cursor, pattern, "cache clear (SCAN)");
    if (!step.ok()) return step.status();
    cursor = std::move(step->first);
    // Entries in their own DEL, whose answer (keys actually deleted: SCAN
    // may repeat one) is the count.
    Command entry_del = {"DEL"}, other_del = {"DEL"};
    for (const std::string& name : step->second) {
      (absl::StartsWith(name, tb_prefix_) ? entry_del : other_del).push_back(name);
    }
    std::vector<Command> commands;
    if (entry_del.size() > 1) commands.push_back(entry_del);
    if (other_del.size() > 1) commands.push_back(other_del);
    if (commands.empty()) continue;
    absl::StatusOr<std::vector<Reply>> replies = Run(commands, "cache clear");
    if (!replies.ok()) return replies.status();
    if (absl::Status s = FirstError(*replies, Where("cache clear")); !s.ok()) return s;
    if (entry_del.size() > 1) {
      absl::StatusOr<int64_t> n = IntegerOf(*replies->front(), Where("cache clear"));
      if (!n.ok()) return n.status();
      entries += static_cast<uint64_t>(*n);
    }
  } while (cursor != "0");
  return entries;
}

absl::StatusOr<StoreStats> RedisStore::Stats() {
  // Every entry has its atime member (both are written and deleted by the
  // same scripts): ZCARD counts entries without a scan.
  const Command commands[] = {{"ZCARD", atime_key_}, {"SCARD", programs_key_}, {"GET", bytes_key_}};
  absl::StatusOr<std::vector<Reply>> replies = Run(commands, "cache stats");
  if (!replies.ok()) return replies.status();
  if (absl::Status s = FirstError(*replies, Where("cache stats")); !s.ok()) return s;
  int64_t counts[3];
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<int64_t> n = IntegerOf(*(*replies)[i], Where("cache stats"));
    if (!n.ok()) return n.status();
    counts[i] = std::max<int64_t>(*n, 0);
  }
  StoreStats stats;
  stats.entries = static_cast<uint64_t>(counts[0]);
  stats.programs = static_cast<uint64_t>(counts[1]);
  stats.bytes = static_cast<uint64_t>(counts[2]);
  stats.max_bytes = options_.max_bytes;
  stats.evicted = evicted_.load(std::memory_order_relaxed);
  stats.rejected = rejected_.load(std::memory_order_relaxed);
  stats.location =
      absl::StrCat("redis://", HostPort(options_.host, options_.port), "/", options_.db);
  return stats;
}

// --- URLs ------------------------------------------------------------------------

absl::Status BadUrl(absl::string_view url, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("redis URL '", url, "': ", why, " (expected redis://HOST[:PORT][/DB])"));
}

// HOST[:PORT] of a URL into `options`.
absl::Status ParseAuthority(absl::string_view url, absl::string_view authority,
                            RedisStoreOptions& options) {
  if (absl::StrContains(authority, '@')) {
    return BadUrl(url, "credentials are not supported");
  }
  absl::string_view host = authority, port;
  if (absl::StartsWith(authority, "[")) {  // [IPv6][:PORT]
    const size_t close = authority.find(']');
    if (close == absl::string_view::npos) return BadUrl(url, "no ']' after the IPv6 address");
    host = authority.substr(1, close - 1);
    const absl::string_view rest = authority.substr(close + 1);
    if (!rest.empty() && rest[0] != ':') return BadUrl(url, "junk after the IPv6 address");
    if (!rest.empty()) port = rest.substr(1);
    if (rest == ":") return BadUrl(url, "empty port");
  } else if (const size_t colon = authority.find(':'); colon != absl::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    if (absl::StrContains(port, ':')) return BadUrl(url, "an IPv6 address needs brackets");
    if (port.empty()) return BadUrl(url, "empty port");
  }
  if (host.empty()) return BadUrl(url, "no host");
  options.host = std::string(host);
  if (port.empty()) return absl::OkStatus();
  int n = 0;
  if (!absl::c_all_of(port, absl::ascii_isdigit) || !absl::SimpleAtoi(port, &n) || n < 1 ||
      n > 65535) {
    return BadUrl(url, absl::StrCat("port '", port, "' is not 1..65535"));
  }
  options.port = n;
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<RedisStoreOptions> ParseRedisUrl(absl::string_view url) {
  constexpr absl::string_view kScheme = "redis://";
  if (!absl::StartsWithIgnoreCase(url, kScheme)) return BadUrl(url, "not a redis:// URL");
  const absl::string_view rest = url.substr(kScheme.size());
  const size_t slash = rest.find('/');
  RedisStoreOptions options;
  if (absl::Status s = ParseAuthority(url, rest.substr(0, slash), options); !s.ok()) return s;
  if (slash == absl::string_view::npos) return options;
  const absl::string_view db = rest.substr(slash + 1);
  if (db.empty()) return options;  // "redis://host:port/"
  if (!absl::c_all_of(db, absl::ascii_isdigit) || !absl::SimpleAtoi(db, &options.db)) {
    return BadUrl(url, absl::StrCat("database '", db, "' is not a number"));
  }
  return options;
}

absl::StatusOr<std::unique_ptr<Store>> OpenRedisStore(const RedisStoreOptions& options) {
  if (options.host.empty() || options.port < 1 || options.port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("redis store: bad address '", options.host, ":", options.port, "'"));
  }
  if (options.db < 0) {
    return absl::InvalidArgumentError(absl::StrCat("redis store: bad database ", options.db));
  }
  auto store = std::make_unique<RedisStore>(options);
  if (absl::Status s = store->Connect(); !s.ok()) return s;
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace dbt::cache
