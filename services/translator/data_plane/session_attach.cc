#include "services/translator/data_plane/session_attach.h"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/jit_abi.h"
#include "common/shm/fd_passing.h"
#include "common/shm/shared_region.h"

namespace dbt::translator {
namespace {

// Larger buffers than the code_gen_buffer itself allows are refused before
// mapping anything (code_gen_buffer.cc: at most 1 GiB).
constexpr uint64_t kMaxBufferSize = uint64_t{1} << 30;

absl::Status Prefix(const absl::Status& s, absl::string_view what) {
  return absl::Status(s.code(), absl::StrCat(what, ": ", s.message()));
}

}  // namespace

absl::StatusOr<AttachedSession> ReceiveHello(int conn, absl::Duration timeout) {
  // Two fds expected; RecvFds reports more than that (ResourceExhausted)
  // and closes them.
  absl::StatusOr<shm::ReceivedFds> received = shm::RecvFds(conn, 2, timeout);
  if (!received.ok()) {
    const absl::Status& s = received.status();
    if (absl::IsUnavailable(s) || absl::IsDeadlineExceeded(s)) return Prefix(s, "hello");
    return absl::InvalidArgumentError(
        absl::StrCat("hello must carry 2 fds [channel region, code buffer]: ", s.message()));
  }
  if (received->fds.size() != 2) {
    return absl::InvalidArgumentError(absl::StrCat("hello carries ", received->fds.size(),
                                                   " fds; expected 2 [channel region, "
                                                   "code buffer]"));
  }
  absl::StatusOr<wire::Hello> hello = wire::DecodeHello(absl::Span<const uint8_t>(
      reinterpret_cast<const uint8_t*>(received->data.data()), received->data.size()));
  if (!hello.ok()) return absl::InvalidArgumentError(hello.status().message());
  if (hello->wire_version != wire::kWireVersion) {
    return absl::FailedPreconditionError(absl::StrCat("hello: wire version ", hello->wire_version,
                                                      "; this translator speaks ",
                                                      wire::kWireVersion));
  }
  if (hello->translator_abi != kTranslatorAbi) {
    return absl::FailedPreconditionError(
        absl::StrCat("hello: translator ABI ", hello->translator_abi,
                     "; this translator generates code for ABI ", kTranslatorAbi));
  }
  if (hello->buffer_size == 0 || hello->buffer_size > kMaxBufferSize || hello->region_size == 0 ||
      hello->region_size > hello->buffer_size) {
    return absl::InvalidArgumentError(absl::StrCat("hello: code buffer of ", hello->buffer_size,
                                                   " bytes with regions of ", hello->region_size,
                                                   " bytes"));
  }

  AttachedSession session;
  absl::StatusOr<shm::SharedRegion> region = shm::SharedRegion::Attach(
      std::move(received->fds[0]), shm::kChannelRegionKind, shm::kChannelLayoutVersion);
  if (!region.ok())
    return absl::InvalidArgumentError(Prefix(region.status(), "channel region").message());
  absl::StatusOr<std::unique_ptr<shm::ChannelServer>> channel =
      shm::ChannelServer::Open(*std::move(region));
  if (!channel.ok()) {
    return absl::InvalidArgumentError(Prefix(channel.status(), "channel region").message());
  }
  const shm::ChannelGeometry& geometry = (*channel)->geometry();
  if (geometry.max_request_bytes < wire::kMaxRequestBytes ||
      geometry.max_response_bytes < wire::kMaxResponseBytes) {
    return absl::FailedPreconditionError(absl::StrCat(
        "channel: requests up to ", geometry.max_request_bytes, " bytes and answers up to ",
        geometry.max_response_bytes, " bytes; the translator needs at least ",
        wire::kMaxRequestBytes, " and ", wire::kMaxResponseBytes));
  }
  session.channel = *std::move(channel);

  // Attach owns the fd from here on, also when it fails.
  absl::StatusOr<std::unique_ptr<codegen::CodeGenBuffer>> buffer =
      codegen::CodeGenBuffer::Attach(received->fds[1].Release(), hello->buffer_size,
                                     hello->region_size, codegen::CodeGenBuffer::Views::kReadWrite);
  if (!buffer.ok()) return absl::InvalidArgumentError(buffer.status().message());
  // The executor placed code of its own first (a preload image).
  if (hello->code_start != 0) {
    if (absl::Status s = (*buffer)->SkipTo(hello->code_start); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("hello: ", s.message()));
    }
  }
  session.buffer = *std::move(buffer);

  absl::StatusOr<shm::PeerProcess> peer = shm::PeerProcess::FromUnixSocket(conn);
  if (!peer.ok()) {
    return absl::FailedPreconditionError(Prefix(peer.status(), "session process").message());
  }
  session.peer.emplace(*std::move(peer));
  session.hello = *std::move(hello);
  return session;
}

absl::Status SendHelloReply(int conn, const absl::Status& status) {
  wire::HelloReply reply;
  reply.status_code = static_cast<uint32_t>(status.code());
  reply.message = std::string(status.message());
  const std::vector<uint8_t> bytes = wire::EncodeHelloReply(reply);
  ssize_t sent;
  do {
    sent = send(conn, bytes.data(), bytes.size(), MSG_NOSIGNAL);
  } while (sent < 0 && errno == EINTR);
  if (sent < 0) return absl::UnavailableError(absl::StrCat("hello reply: ", strerror(errno)));
  if (static_cast<size_t>(sent) != bytes.size()) return absl::UnavailableError("hello reply cut");
  return absl::OkStatus();
}

}  // namespace dbt::translator
