#include "tests/translator_service/translator_test_client.h"

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/jit_abi.h"
#include "common/service/client.h"
#include "common/shm/fd_passing.h"
#include "gtest/gtest.h"
#include "services/translator/frontend/riscv/guest_code_source.h"

namespace dbt::testing {

namespace wire = translator::wire;

uint32_t EncodeAddi(int rd, int rs1, int imm) {
  return (static_cast<uint32_t>(imm) & 0xfff) << 20 | static_cast<uint32_t>(rs1) << 15 | 0u << 12 |
         static_cast<uint32_t>(rd) << 7 | 0x13;
}

std::vector<uint8_t> GuestBytes(const std::vector<uint32_t>& words) {
  std::vector<uint8_t> out;
  for (uint32_t w : words) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(w >> (8 * i)));
  }
  return out;
}

std::vector<uint8_t> AddiBlock(int n, int seed) {
  std::vector<uint32_t> words;
  for (int i = 0; i < n; ++i) {
    const int rd = 5 + (seed + i) % 11;  // t0..a5
    const int rs1 = 5 + (seed * 7 + i) % 11;
    const int imm = ((seed * 131 + i * 17) % 4096) - 2048;  // the whole 12-bit range
    words.push_back(EncodeAddi(rd, rs1, imm));
  }
  words.push_back(kEcall);
  return GuestBytes(words);
}

// --- TranslatorProcess ---

TranslatorProcess::TranslatorProcess(const std::vector<std::string>& extra_args) {
  socket_ = dir_.path() + "/t.sock";
  data_socket_ = socket_ + ".data";
  std::vector<std::string> argv = {Runfile("services/translator/translator"), "--socket=" + socket_,
                                   "--v=1"};
  for (const std::string& a : extra_args) {
    argv.push_back(a);
    if (absl::StartsWith(a, "--data_socket=")) data_socket_ = a.substr(strlen("--data_socket="));
  }
  child_ = Spawn(argv, dir_.path() + "/translator.out");
  serving_ = WaitForServing(socket_, std::chrono::milliseconds(20000)).ok();
  stub_ = v1::Translator::NewStub(ConnectTo(socket_));
}

TranslatorProcess::~TranslatorProcess() {
  // What the translator logged (--v=1) explains most failures.
  if (::testing::Test::HasFailure()) {
    fprintf(stderr, "--- translator output ---\n%s--- end ---\n", Output().c_str());
  }
  if (!reaped_ && child_.pid > 0) {
    kill(child_.pid, SIGKILL);
    waitpid(child_.pid, nullptr, 0);
  }
}

absl::StatusOr<v1::TranslatorStats> TranslatorProcess::Stats() {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  v1::TranslatorStats stats;
  grpc::Status s = stub_->Stats(&context, v1::TranslatorStatsRequest(), &stats);
  if (!s.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
  }
  return stats;
}

absl::StatusOr<uint32_t> TranslatorProcess::Flush(const std::string& session_id) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  v1::FlushRequest request;
  request.set_session_id(session_id);
  v1::FlushResponse response;
  grpc::Status s = stub_->Flush(&context, request, &response);
  if (!s.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
  }
  return response.sessions_flushed();
}

int TranslatorProcess::Terminate(int timeout_ms) {
  kill(child_.pid, SIGTERM);
  const int status = WaitFor(child_.pid, timeout_ms);
  reaped_ = true;
  return status;
}

// --- Sessions ---

absl::StatusOr<shm::UniqueFd> ConnectDataSocket(const std::string& path) {
  shm::UniqueFd fd(socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return absl::InternalError(absl::StrCat("socket: ", strerror(errno)));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) return absl::InvalidArgumentError("path too long");
  memcpy(addr.sun_path, path.data(), path.size());
  if (connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    return absl::UnavailableError(absl::StrCat("connect ", path, ": ", strerror(errno)));
  }
  return fd;
}

absl::Status ReadHelloReply(int conn, absl::Duration timeout) {
  pollfd p{conn, POLLIN, 0};
  if (poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(timeout))) != 1) {
    return absl::DeadlineExceededError("no hello reply");
  }
  uint8_t buf[4096];
  ssize_t n = recv(conn, buf, sizeof buf, 0);
  if (n < 0) return absl::UnavailableError(absl::StrCat("recv: ", strerror(errno)));
  if (n == 0) return absl::UnavailableError("connection closed without a hello reply");
  absl::StatusOr<wire::HelloReply> reply =
      wire::DecodeHelloReply(absl::Span<const uint8_t>(buf, static_cast<size_t>(n)));
  if (!reply.ok()) return reply.status();
  if (reply->status_code == 0) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(reply->status_code), reply->message);
}

absl::StatusOr<std::unique_ptr<TestSession>> TestSession::Attach(const std::string& data_socket,
                                                                 const SessionOptions& options) {
  auto session = std::make_unique<TestSession>();
  absl::StatusOr<std::unique_ptr<codegen::CodeGenBuffer>> buffer = codegen::CodeGenBuffer::Create(
      {.size = options.buffer_size, .region_size = options.region_size});
  if (!buffer.ok()) return buffer.status();
  session->buffer_ = *std::move(buffer);
  absl::StatusOr<std::unique_ptr<shm::ChannelClient>> channel =
      shm::ChannelClient::Create(options.session_id, options.geometry);
  if (!channel.ok()) return channel.status();
  session->channel_ = *std::move(channel);
  absl::StatusOr<shm::UniqueFd> conn = ConnectDataSocket(data_socket);
  if (!conn.ok()) return conn.status();
  session->conn_ = *std::move(conn);

  wire::Hello hello;
  hello.translator_abi = kTranslatorAbi;
  hello.buffer_size = session->buffer_->size();
  hello.region_size = session->buffer_->region_size();
  hello.session_id = options.session_id;
  const std::vector<uint8_t> bytes = wire::EncodeHello(hello);
  const int fds[2] = {session->channel_->region().fd(), session->buffer_->fd()};
  if (absl::Status s =
          shm::SendFds(session->conn_.get(), fds,
                       std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
      !s.ok()) {
    return s;
  }
  if (absl::Status s = ReadHelloReply(session->conn_.get()); !s.ok()) return s;
  absl::StatusOr<shm::PeerProcess> peer = shm::PeerProcess::FromUnixSocket(session->conn_.get());
  if (!peer.ok()) return peer.status();
  session->translator_.emplace(*std::move(peer));
  return session;
}

shm::ChannelClient::Requester TestSession::NewRequester() {
  absl::StatusOr<shm::ChannelClient::Requester> r = channel_->NewRequester();
  if (!r.ok()) abort();  // more requesters than mailboxes: a bug in the test
  return *std::move(r);
}

absl::Status TestSession::Call(shm::ChannelClient::Requester& requester,
                               const std::vector<uint8_t>& payload, std::vector<uint8_t>* answer) {
  return requester.Call(payload, answer, {.timeout = absl::Seconds(20), .peer = &*translator_});
}

absl::StatusOr<translator::TbTranslation> TestSession::Translate(
    shm::ChannelClient::Requester& requester, uint64_t pc, const std::vector<uint8_t>& bytes,
    uint32_t flags, uint32_t debug, std::string* debug_text) {
  wire::TranslateRequest request;
  request.pc = pc;
  request.flags = flags;
  request.debug = debug;
  request.bytes = bytes;
  std::vector<uint8_t> answer;
  if (absl::Status s = Call(requester, wire::EncodeTranslateRequest(request), &answer); !s.ok()) {
    return s;
  }
  return wire::DecodeTranslation(answer, request, buffer_->size(), debug_text);
}

absl::Status TestSession::Flush(shm::ChannelClient::Requester& requester) {
  std::vector<uint8_t> answer;
  if (absl::Status s = Call(requester, wire::EncodeFlushRequest(), &answer); !s.ok()) return s;
  if (!answer.empty()) return absl::DataLossError("flush answered with bytes");
  return absl::OkStatus();
}

// --- The oracle ---

absl::StatusOr<translator::TbTranslation> TranslateLocally(codegen::CodeGenBuffer& buffer,
                                                           uint64_t pc,
                                                           const std::vector<uint8_t>& bytes,
                                                           uint32_t flags) {
  frontend::riscv::BufferCodeSource source(pc, bytes);
  return translator::TranslateTb(source, pc, flags, buffer);
}

std::string CompareTranslations(const codegen::CodeGenBuffer& remote_buffer,
                                const translator::TbTranslation& remote,
                                const codegen::CodeGenBuffer& local_buffer,
                                const translator::TbTranslation& local) {
  if (remote.guest_size != local.guest_size || remote.guest_insns != local.guest_insns) {
    return absl::StrCat("guest size ", remote.guest_size, "/", remote.guest_insns, " vs ",
                        local.guest_size, "/", local.guest_insns);
  }
  if (remote.hash.lo != local.hash.lo || remote.hash.hi != local.hash.hi) return "content hash";
  if (remote.code.code_size != local.code.code_size) {
    return absl::StrCat("code size ", remote.code.code_size, " vs ", local.code.code_size);
  }
  for (int i = 0; i < 2; ++i) {
    const auto& a = remote.code.slots[i];
    const auto& b = local.code.slots[i];
    if (a.used != b.used || a.jump_field != b.jump_field ||
        a.unlinked_target != b.unlinked_target) {
      return absl::StrCat("jump slot ", i);
    }
  }
  if (remote.code.pc_map.size() != local.code.pc_map.size()) return "pc map size";
  for (size_t i = 0; i < local.code.pc_map.size(); ++i) {
    if (remote.code.pc_map[i].host_offset != local.code.pc_map[i].host_offset ||
        remote.code.pc_map[i].guest_pc != local.code.pc_map[i].guest_pc) {
      return absl::StrCat("pc map entry ", i);
    }
  }
  const uint8_t* a = remote_buffer.rw_at(remote.code.code_offset);
  const uint8_t* b = local_buffer.rw_at(local.code.code_offset);
  for (size_t i = 0; i < local.code.code_size; ++i) {
    if (a[i] != b[i]) {
      return absl::StrCat("host code differs at byte ", i, " of ", local.code.code_size);
    }
  }
  return "";
}

}  // namespace dbt::testing
