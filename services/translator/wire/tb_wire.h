// The data plane's message formats: what crosses the shared-memory ring
// between an executor session and the translator service, and the hello that
// attaches a session. Little-endian, fixed-width fields, no padding; every
// decoder bounds-checks each field and rejects trailing bytes, because the
// other side may be buggy or hostile (common/shm/README.md "Trust model").
//
// Session attach (unix SOCK_SEQPACKET, executor -> translator):
//   Hello + two fds (SCM_RIGHTS): [channel region, code_gen_buffer memfd]
//   translator -> executor: HelloReply (status code + message)
// Ring requests (executor -> translator), first field the kind:
//   kTranslate  flags, pc, debug bits, the guest bytes from pc on
//               answer: an encoded TbTranslation + the -d text, or an error:
//                 NotFound           first instruction not fetchable
//                 ResourceExhausted  buffer full (or a flush was asked for):
//                                    flush, then ask again
//                 InvalidArgument    malformed request
//   kFlush      the executor dropped every TB (no thread runs generated
//               code): the translator starts allocating from the start.
//               answer: empty
//   kPreload    cursor: the cached TBs of the session's program (Hello's
//               cache_file_hash), placed in the buffer by the translator;
//               answered in pieces from `cursor` on (EncodePreload). The
//               executor checks each against its guest memory before use.
//
// A kTranslate answer ends with where the TB came from (translated, or an
// entry of the cache) and whether it was handed to the cache, and both
// answers may carry a notice for the user (the cache is off, and why).
#ifndef DBT_SERVICES_TRANSLATOR_WIRE_TB_WIRE_H_
#define DBT_SERVICES_TRANSLATOR_WIRE_TB_WIRE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "services/translator/translate_tb.h"

namespace dbt::translator::wire {

inline constexpr uint32_t kWireVersion = 4;
inline constexpr uint32_t kHelloMagic = 0x48544244;       // "DBTH"
inline constexpr uint32_t kHelloReplyMagic = 0x41544244;  // "DBTA"
inline constexpr size_t kMaxSessionIdBytes = 256;

// The most guest bytes a TB can need from its pc: 512 instructions of 4
// bytes (all starting on the first page), and the last one may end 2 bytes
// into the next page (frontend/riscv/translate.h "Pages").
inline constexpr uint32_t kMaxGuestBytes = frontend::riscv::kDefaultMaxInsns * 4 + 2;

// Ring sizes a session uses: a request is small; an answer carries the pc
// map and, with -d, the dumps (cut at the end if larger).
inline constexpr uint32_t kMaxRequestBytes = 64 + kMaxGuestBytes;
inline constexpr uint32_t kMaxResponseBytes = 1 << 20;

enum class RequestKind : uint32_t { kTranslate = 1, kFlush = 2, kPreload = 3 };

enum DebugBits : uint32_t {
  kDebugInAsm = 1u << 0,
  kDebugOp = 1u << 1,
  kDebugOpOpt = 1u << 2,
  kDebugOutAsm = 1u << 3,
  kDebugAll = (1u << 4) - 1,
};

struct Hello {
  uint32_t wire_version = kWireVersion;
  uint32_t translator_abi = 0;
  uint64_t buffer_size = 0;  // code_gen_buffer geometry (the fd is the second)
  uint64_t region_size = 0;
  std::string session_id;  // for logs and Flush(session_id)
  // The cache (empty: not used): the content hash of the program file, 16
  // bytes; TBs in [image_start, image_end) join that program's index.
  std::string cache_file_hash;
  uint32_t tb_flags = 0;  // the flags every request of the session uses
  uint64_t image_start = 0;
  uint64_t image_end = 0;
  // Where the translator's code starts in the buffer (0: its beginning):
  // what is before it the executor placed itself (a preload image).
  uint64_t code_start = 0;
};

struct HelloReply {
  uint32_t status_code = 0;  // absl::StatusCode
  std::string message;
};

struct TranslateRequest {
  uint32_t flags = 0;  // TbFlags
  uint64_t pc = 0;
  uint32_t debug = 0;  // DebugBits
  // Guest bytes at pc, pc+1, ...: what the translator may read, nothing else.
  absl::Span<const uint8_t> bytes;
  // pc is in a file mapping (the program or a shared library, not code the
  // guest made): its TB may go to the program's cache index.
  bool from_file = false;
};

struct Request {
  RequestKind kind = RequestKind::kTranslate;
  TranslateRequest translate;   // kind == kTranslate; bytes point into the input
  uint32_t preload_cursor = 0;  // kind == kPreload
};

// Where an answered TB came from, and what the user should be told.
struct TranslationNote {
  bool from_cache = false;  // an entry of the cache, not translated now
  bool stored = false;      // handed to the cache service
  std::string notice;       // e.g. why the cache is off; empty: nothing
};

// One piece of the answer to kPreload.
struct Preload {
  std::vector<TbTranslation> tbs;
  uint32_t next_cursor = 0;  // ask again from here unless done
  bool done = true;
  std::string notice;
  // Entries refused before they were placed (damaged, another build's):
  // counted with the TBs whose guest bytes differ (cache_rejected).
  uint64_t rejected = 0;
};

std::vector<uint8_t> EncodeHello(const Hello& hello);
absl::StatusOr<Hello> DecodeHello(absl::Span<const uint8_t> bytes);
std::vector<uint8_t> EncodeHelloReply(const HelloReply& reply);
absl::StatusOr<HelloReply> DecodeHelloReply(absl::Span<const uint8_t> bytes);

std::vector<uint8_t> EncodeTranslateRequest(const TranslateRequest& request);
std::vector<uint8_t> EncodeFlushRequest();
std::vector<uint8_t> EncodePreloadRequest(uint32_t cursor);
// InvalidArgument (saying which field) for anything malformed.
absl::StatusOr<Request> DecodeRequest(absl::Span<const uint8_t> bytes);

// The answer to kTranslate. `debug_text` is cut to fit kMaxResponseBytes.
std::vector<uint8_t> EncodeTranslation(const TbTranslation& t, std::string_view debug_text,
                                       const TranslationNote& note = {});
// Checks the answer against the request and the buffer it describes: same
// pc and flags, code inside [0, buffer_size), slots and pc map inside the
// code, ranges inside the bytes that were sent. DataLoss when it does not fit.
absl::StatusOr<TbTranslation> DecodeTranslation(absl::Span<const uint8_t> bytes,
                                                const TranslateRequest& request,
                                                uint64_t buffer_size, std::string* debug_text,
                                                TranslationNote* note = nullptr);

// The answer to kPreload: as many of `tbs` from `cursor` on as fit in
// kMaxResponseBytes. *next is where the next piece starts (tbs.size(): done).
std::vector<uint8_t> EncodePreload(const std::vector<TbTranslation>& tbs, uint32_t cursor,
                                   std::string_view notice, uint32_t* next);
// Checks every TB as DecodeTranslation does (without a request to compare:
// flags must be `flags`, guest sizes at most kMaxGuestBytes).
absl::StatusOr<Preload> DecodePreload(absl::Span<const uint8_t> bytes, uint32_t flags,
                                      uint64_t buffer_size);

}  // namespace dbt::translator::wire

#endif  // DBT_SERVICES_TRANSLATOR_WIRE_TB_WIRE_H_
