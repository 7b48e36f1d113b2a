// Session attach, translator side: every hello that cannot be served gets a
// HelloReply with the reason and the connection closed; the translator goes
// on serving good sessions (including while a silent client holds a
// connection open).
#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "common/jit_abi.h"
#include "common/shm/fd_passing.h"
#include "services/translator/wire/tb_wire.h"
#include "tests/translator_service/translator_test_client.h"

namespace dbt::testing {
namespace {

namespace wire = translator::wire;

// What an executor would send, taken apart so each case can spoil one piece.
struct HelloParts {
  std::unique_ptr<codegen::CodeGenBuffer> buffer;
  std::unique_ptr<shm::ChannelClient> channel;
  wire::Hello hello;
  std::vector<int> fds;
  std::vector<uint8_t> bytes;  // empty: EncodeHello(hello)
};

HelloParts GoodHello(shm::ChannelGeometry geometry = SessionOptions().geometry) {
  HelloParts p;
  auto buffer = codegen::CodeGenBuffer::Create({.size = kTestBufferSize});
  EXPECT_TRUE(buffer.ok());
  p.buffer = *std::move(buffer);
  auto channel = shm::ChannelClient::Create("hello-test", geometry);
  EXPECT_TRUE(channel.ok()) << channel.status();
  p.channel = *std::move(channel);
  p.hello.translator_abi = kTranslatorAbi;
  p.hello.buffer_size = p.buffer->size();
  p.hello.region_size = p.buffer->region_size();
  p.hello.session_id = "hello-test";
  p.fds = {p.channel->region().fd(), p.buffer->fd()};
  return p;
}

// Sends the parts on a new connection and returns the reply's status; also
// checks that the translator then closes the connection.
absl::Status SendAndRead(const std::string& data_socket, const HelloParts& p) {
  auto conn = ConnectDataSocket(data_socket);
  if (!conn.ok()) return conn.status();
  const std::vector<uint8_t> bytes = p.bytes.empty() ? wire::EncodeHello(p.hello) : p.bytes;
  absl::Status sent =
      shm::SendFds(conn->get(), p.fds,
                   std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  if (!sent.ok()) return sent;
  absl::Status reply = ReadHelloReply(conn->get());
  if (!reply.ok()) {
    pollfd pfd{conn->get(), POLLIN, 0};
    EXPECT_EQ(poll(&pfd, 1, 5000), 1) << "connection left open after a refusal";
    char c;
    EXPECT_EQ(recv(conn->get(), &c, 1, 0), 0) << "connection left open after a refusal";
  }
  return reply;
}

struct HelloCase {
  std::string name;
  std::function<void(HelloParts&)> spoil;
  absl::StatusCode code;
  std::string message_part;  // the reply says what was wrong
};

// Kept alive until the end of the test binary: fds a case points at.
std::vector<int>& KeptFds() {
  static std::vector<int> fds;
  return fds;
}

std::vector<HelloCase> Cases() {
  return {
      {"WrongTranslatorAbi", [](HelloParts& p) { p.hello.translator_abi = kTranslatorAbi + 1; },
       absl::StatusCode::kFailedPrecondition, "translator ABI"},
      {"WrongWireVersion", [](HelloParts& p) { p.hello.wire_version = wire::kWireVersion + 1; },
       absl::StatusCode::kFailedPrecondition, "wire version"},
      {"BufferSizeNotTheFds", [](HelloParts& p) { p.hello.buffer_size += 4096; },
       absl::StatusCode::kInvalidArgument, "size"},
      {"RegionSizeZero", [](HelloParts& p) { p.hello.region_size = 0; },
       absl::StatusCode::kInvalidArgument, "regions of 0 bytes"},
      {"RegionLargerThanTheBuffer",
       [](HelloParts& p) { p.hello.region_size = p.hello.buffer_size + 4096; },
       absl::StatusCode::kInvalidArgument, "regions of"},
      {"RegionSizeNotWholePages", [](HelloParts& p) { p.hello.region_size = 65537; },
       absl::StatusCode::kInvalidArgument, "region size"},
      {"UnsealedMemfdAsBuffer",
       [](HelloParts& p) {
         int fd = memfd_create("unsealed", MFD_CLOEXEC);
         ASSERT_GE(fd, 0);
         ASSERT_EQ(ftruncate(fd, static_cast<off_t>(p.hello.buffer_size)), 0);
         KeptFds().push_back(fd);
         p.fds[1] = fd;
       },
       absl::StatusCode::kInvalidArgument, "sealed"},
      {"OnlyOneFd", [](HelloParts& p) { p.fds.resize(1); }, absl::StatusCode::kInvalidArgument,
       "1 fds; expected 2"},
      {"ThreeFds", [](HelloParts& p) { p.fds.push_back(p.fds[0]); },
       absl::StatusCode::kInvalidArgument, "2 fds"},
      {"GarbageHello",
       [](HelloParts& p) {
         p.bytes.clear();
         for (int i = 0; i < 40; ++i) p.bytes.push_back(static_cast<uint8_t>(i * 37 + 11));
       },
       absl::StatusCode::kInvalidArgument, "hello: bad magic"},
      {"TruncatedHello",
       [](HelloParts& p) {
         p.bytes = wire::EncodeHello(p.hello);
         p.bytes.resize(p.bytes.size() - 1);
       },
       absl::StatusCode::kInvalidArgument, "hello: bad code_start"},
      {"ChannelFdIsNotAChannel", [](HelloParts& p) { p.fds[0] = p.fds[1]; },
       absl::StatusCode::kInvalidArgument, "channel region"},
      {"BufferFdIsTheChannel", [](HelloParts& p) { p.fds[1] = p.fds[0]; },
       absl::StatusCode::kInvalidArgument, "size"},
      {"NotAFdToAFile",
       [](HelloParts& p) {
         int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
         ASSERT_GE(fd, 0);
         KeptFds().push_back(fd);
         p.fds[0] = fd;
       },
       absl::StatusCode::kInvalidArgument, "channel region"},
  };
}

class HelloTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(translator_.serving()) << translator_.Output(); }
  void ExpectGoodSessionServed() {
    auto session = TestSession::Attach(translator_.data_socket());
    ASSERT_TRUE(session.ok()) << session.status();
    auto requester = (*session)->NewRequester();
    auto t = (*session)->Translate(requester, 0x10000, AddiBlock(2, 0));
    EXPECT_TRUE(t.ok()) << t.status();
  }
  TranslatorProcess translator_;
};

TEST_F(HelloTest, GoodHelloAttaches) {
  HelloParts p = GoodHello();
  EXPECT_TRUE(SendAndRead(translator_.data_socket(), p).ok());
}

TEST_F(HelloTest, EachBadHelloGetsAnErrorReplyAndTheTranslatorGoesOn) {
  for (const HelloCase& c : Cases()) {
    SCOPED_TRACE(c.name);
    HelloParts p = GoodHello();
    c.spoil(p);
    absl::Status s = SendAndRead(translator_.data_socket(), p);
    EXPECT_EQ(s.code(), c.code) << s;
    EXPECT_NE(s.message().find(c.message_part), std::string::npos) << s;
  }
  ExpectGoodSessionServed();
  auto stats = translator_.Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->sessions_total(), 1u);  // refused hellos are not sessions
}

TEST_F(HelloTest, ChannelTooSmallForTheWireFormat) {
  shm::ChannelGeometry small = SessionOptions().geometry;
  small.max_response_bytes = 64 << 10;
  HelloParts p = GoodHello(small);
  absl::Status s = SendAndRead(translator_.data_socket(), p);
  EXPECT_TRUE(absl::IsFailedPrecondition(s)) << s;
  EXPECT_NE(s.message().find("needs at least"), std::string::npos) << s;

  shm::ChannelGeometry short_requests = SessionOptions().geometry;
  short_requests.max_request_bytes = 1024;
  HelloParts q = GoodHello(short_requests);
  s = SendAndRead(translator_.data_socket(), q);
  EXPECT_TRUE(absl::IsFailedPrecondition(s)) << s;
  ExpectGoodSessionServed();
}

TEST_F(HelloTest, AMessageWithoutFds) {
  auto conn = ConnectDataSocket(translator_.data_socket());
  ASSERT_TRUE(conn.ok());
  const std::vector<uint8_t> hello = wire::EncodeHello(GoodHello().hello);
  ASSERT_EQ(send(conn->get(), hello.data(), hello.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(hello.size()));
  absl::Status s = ReadHelloReply(conn->get());
  EXPECT_TRUE(absl::IsInvalidArgument(s)) << s;
  EXPECT_NE(s.message().find("2 fds"), std::string::npos) << s;
  ExpectGoodSessionServed();
}

TEST_F(HelloTest, ClientThatHangsUpAtOnce) {
  for (int i = 0; i < 20; ++i) {
    auto conn = ConnectDataSocket(translator_.data_socket());
    ASSERT_TRUE(conn.ok());
  }
  ExpectGoodSessionServed();
}

// A client that connects and says nothing holds only its own handshake
// thread: others attach meanwhile; after the hello timeout (5 s) its
// connection is closed without a reply.
TEST_F(HelloTest, SilentClientTimesOutWithoutBlockingOthers) {
  auto silent = ConnectDataSocket(translator_.data_socket());
  ASSERT_TRUE(silent.ok());
  const auto start = std::chrono::steady_clock::now();
  ExpectGoodSessionServed();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  absl::Status s = ReadHelloReply(silent->get(), absl::Seconds(15));
  EXPECT_TRUE(absl::IsUnavailable(s)) << s;  // closed, no reply
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, std::chrono::milliseconds(4500));
  EXPECT_LT(waited, std::chrono::seconds(12));
}

}  // namespace
}  // namespace dbt::testing
