// Test support for the translator service's data plane, as an executor
// session would use it: a real translator process, a session attached to
// its data socket (code buffer memfd + channel region sent with a Hello),
// translate/flush requests over the ring, and the Stats/Flush RPCs.
//
// Also the oracle the tests compare answers with: the same guest bytes run
// through TranslateTb into a local buffer.
#ifndef DBT_TESTS_TRANSLATOR_SERVICE_TRANSLATOR_TEST_CLIENT_H_
#define DBT_TESTS_TRANSLATOR_SERVICE_TRANSLATOR_TEST_CLIENT_H_

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/codegen/code_gen_buffer.h"
#include "common/shm/channel_client.h"
#include "common/shm/peer_process.h"
#include "common/shm/unique_fd.h"
#include "proto/translator.grpc.pb.h"
#include "services/translator/translate_tb.h"
#include "services/translator/wire/tb_wire.h"
#include "tests/services/process_util.h"

namespace dbt::testing {

// --- Guest code (encodings worked from the RISC-V ISA manual) ---

// addi rd, rs1, imm: I-type imm[11:0] | rs1 | funct3=000 | rd | opcode 0010011.
uint32_t EncodeAddi(int rd, int rs1, int imm);
// ecall: SYSTEM opcode 1110011 with every other field 0.
inline constexpr uint32_t kEcall = 0x00000073;
// Little-endian bytes of the instruction words, in order.
std::vector<uint8_t> GuestBytes(const std::vector<uint32_t>& words);
// `n` addi instructions (varying registers and immediates with `seed`) then
// an ecall: one TB of n + 1 instructions.
std::vector<uint8_t> AddiBlock(int n, int seed);

// --- The translator process ---

class TranslatorProcess {
 public:
  // Starts the real binary on DIR/t.sock (data socket DIR/t.sock.data unless
  // `extra_args` set --data_socket) and waits until it serves gRPC.
  explicit TranslatorProcess(const std::vector<std::string>& extra_args = {});
  ~TranslatorProcess();  // SIGKILL if still running

  pid_t pid() const { return child_.pid; }
  const std::string& socket() const { return socket_; }
  const std::string& data_socket() const { return data_socket_; }
  std::string Output() const { return ReadFile(child_.output_file); }
  bool serving() const { return serving_; }

  absl::StatusOr<v1::TranslatorStats> Stats();
  absl::StatusOr<uint32_t> Flush(const std::string& session_id);
  // SIGTERM, then the exit status (raw wait status; -1 when it did not end).
  int Terminate(int timeout_ms = 10000);

 private:
  TempDir dir_;
  std::string socket_;
  std::string data_socket_;
  Child child_;
  bool serving_ = false;
  bool reaped_ = false;
  std::unique_ptr<v1::Translator::Stub> stub_;
};

// --- A session, executor side ---

inline constexpr size_t kTestBufferSize = 4 << 20;

struct SessionOptions {
  size_t buffer_size = kTestBufferSize;
  size_t region_size = 0;  // 0: the buffer's default
  std::string session_id = "test-session";
  shm::ChannelGeometry geometry{.mailboxes = 8,
                                .max_request_bytes = translator::wire::kMaxRequestBytes,
                                .max_response_bytes = translator::wire::kMaxResponseBytes};
};

// Connects a SOCK_SEQPACKET socket to `path`.
absl::StatusOr<shm::UniqueFd> ConnectDataSocket(const std::string& path);
// Reads the translator's HelloReply (one message) and turns it into a status.
absl::Status ReadHelloReply(int conn, absl::Duration timeout = absl::Seconds(10));

class TestSession {
 public:
  // Creates the buffer and the channel, sends the Hello; the status is the
  // translator's HelloReply (or a transport error).
  static absl::StatusOr<std::unique_ptr<TestSession>> Attach(const std::string& data_socket,
                                                             const SessionOptions& options = {});

  codegen::CodeGenBuffer& buffer() const { return *buffer_; }
  shm::ChannelClient& channel() const { return *channel_; }
  const shm::PeerProcess& translator() const { return *translator_; }
  shm::ChannelClient::Requester NewRequester();

  // A kTranslate request and its decoded (DecodeTranslation-checked) answer.
  absl::StatusOr<translator::TbTranslation> Translate(shm::ChannelClient::Requester& requester,
                                                      uint64_t pc,
                                                      const std::vector<uint8_t>& bytes,
                                                      uint32_t flags = 0, uint32_t debug = 0,
                                                      std::string* debug_text = nullptr);
  // A kFlush request (the caller runs no generated code, trivially).
  absl::Status Flush(shm::ChannelClient::Requester& requester);
  // Closes the connection to the data socket: the translator ends the
  // session as if this process had exited.
  void CloseConnection() { conn_.Reset(); }
  // Any payload, answered or not.
  absl::Status Call(shm::ChannelClient::Requester& requester, const std::vector<uint8_t>& payload,
                    std::vector<uint8_t>* answer);

 private:
  std::unique_ptr<codegen::CodeGenBuffer> buffer_;
  std::unique_ptr<shm::ChannelClient> channel_;
  shm::UniqueFd conn_;
  std::optional<shm::PeerProcess> translator_;
};

// The oracle: `bytes` translated by TranslateTb into `buffer` at its cursor.
absl::StatusOr<translator::TbTranslation> TranslateLocally(codegen::CodeGenBuffer& buffer,
                                                           uint64_t pc,
                                                           const std::vector<uint8_t>& bytes,
                                                           uint32_t flags = 0);
// Empty when the host code `remote` names in `remote_buffer` is
// byte-identical to what `local` names in `local_buffer`, with the same guest
// size, hash, slots and pc map; otherwise a message saying what differs.
// (Generated code is position-independent, so the offsets may differ.)
std::string CompareTranslations(const codegen::CodeGenBuffer& remote_buffer,
                                const translator::TbTranslation& remote,
                                const codegen::CodeGenBuffer& local_buffer,
                                const translator::TbTranslation& local);

}  // namespace dbt::testing

#endif  // DBT_TESTS_TRANSLATOR_SERVICE_TRANSLATOR_TEST_CLIENT_H_
