// A session's attach handshake, translator side (tb_wire.h "Session
// attach"): receive the Hello with its two fds over the accepted
// SOCK_SEQPACKET connection, check it, and map what it names; then answer
// with a HelloReply.
//
// The executor is not trusted: every field of the hello and both fds are
// checked before anything is mapped, and the code buffer is mapped
// read-write only (the translator never maps generated code executable).
#ifndef DBT_SERVICES_TRANSLATOR_DATA_PLANE_SESSION_ATTACH_H_
#define DBT_SERVICES_TRANSLATOR_DATA_PLANE_SESSION_ATTACH_H_

#include <memory>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/codegen/code_gen_buffer.h"
#include "common/shm/channel_server.h"
#include "common/shm/peer_process.h"
#include "services/translator/wire/tb_wire.h"

namespace dbt::translator {

// How long a new connection has to send its Hello.
inline constexpr absl::Duration kHelloTimeout = absl::Seconds(5);

struct AttachedSession {
  wire::Hello hello;
  std::unique_ptr<codegen::CodeGenBuffer> buffer;  // Views::kReadWrite
  std::unique_ptr<shm::ChannelServer> channel;
  std::optional<shm::PeerProcess> peer;  // the process that connected
};

// Receives and checks the Hello on `conn`. The error is what the HelloReply
// says: InvalidArgument for a malformed hello or unusable fds,
// FailedPrecondition for a version or geometry this translator does not
// speak; Unavailable / DeadlineExceeded when the peer closed or sent nothing
// in time. Every fd received is closed on error.
absl::StatusOr<AttachedSession> ReceiveHello(int conn, absl::Duration timeout = kHelloTimeout);

// The HelloReply: one SEQPACKET message holding exactly
// wire::EncodeHelloReply's bytes (no fds, no SendFds framing); code 0 means
// attached.
absl::Status SendHelloReply(int conn, const absl::Status& status);

}  // namespace dbt::translator

#endif  // DBT_SERVICES_TRANSLATOR_DATA_PLANE_SESSION_ATTACH_H_
