// A stand-alone executor session for the tests that need one in another
// process (to kill it, or to watch the translator's mappings for it):
//
//   session_client DATA_SOCKET SESSION_ID N
//
// attaches, translates N different blocks (each checked against a local
// TranslateTb), prints "attached N <pid>" on stdout, and then waits to be
// killed. Exit status 1 and a message on any failure.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "tests/translator_service/translator_test_client.h"

int main(int argc, char** argv) {
  using namespace dbt::testing;
  if (argc != 4) {
    fprintf(stderr, "usage: session_client DATA_SOCKET SESSION_ID N\n");
    return 2;
  }
  SessionOptions options;
  options.session_id = argv[2];
  const int n = atoi(argv[3]);
  auto session = TestSession::Attach(argv[1], options);
  if (!session.ok()) {
    fprintf(stderr, "attach: %s\n", std::string(session.status().message()).c_str());
    return 1;
  }
  auto local = dbt::codegen::CodeGenBuffer::Create({.size = kTestBufferSize});
  if (!local.ok()) return 1;
  auto requester = (*session)->NewRequester();
  for (int i = 0; i < n; ++i) {
    const uint64_t pc = 0x20000 + 0x1000 * i;
    const std::vector<uint8_t> bytes = AddiBlock(1 + i % 7, i);
    auto remote = (*session)->Translate(requester, pc, bytes);
    auto expected = TranslateLocally(**local, pc, bytes);
    if (!remote.ok() || !expected.ok()) {
      fprintf(stderr, "translate %d: %s / %s\n", i, std::string(remote.status().message()).c_str(),
              std::string(expected.status().message()).c_str());
      return 1;
    }
    std::string diff = CompareTranslations((*session)->buffer(), *remote, **local, *expected);
    if (!diff.empty()) {
      fprintf(stderr, "translate %d: %s\n", i, diff.c_str());
      return 1;
    }
  }
  printf("attached %d %d\n", n, static_cast<int>(getpid()));
  fflush(stdout);
  for (;;) pause();
}
