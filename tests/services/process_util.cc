#include "tests/services/process_util.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

namespace dbt::testing {

std::string Runfile(const std::string& path) {
  const char* srcdir = getenv("TEST_SRCDIR");
  std::string base = srcdir != nullptr ? std::string(srcdir) + "/dbt/" : std::string();
  return base + path;
}

TempDir::TempDir() {
  char tmpl[] = "/tmp/dbt-test-XXXXXX";
  char* made = mkdtemp(tmpl);
  path_ = made != nullptr ? made : "/tmp";
}

TempDir::~TempDir() {
  std::string cmd = "rm -rf '" + path_ + "'";
  int rc = system(cmd.c_str());
  (void)rc;
}

Child Spawn(const std::vector<std::string>& argv, const std::string& output_file) {
  Child child;
  child.output_file = output_file;
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open(output_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, 1);
    dup2(fd, 2);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  child.pid = pid;
  return child;
}

int WaitFor(pid_t pid, int timeout_ms) {
  auto give_up = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  int status = 0;
  while (true) {
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return status;
    if (r < 0) return -1;
    if (std::chrono::steady_clock::now() > give_up) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return status;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

RunResult RunProcess(const std::vector<std::string>& argv, int timeout_ms) {
  TempDir dir;
  Child child = Spawn(argv, dir.path() + "/out");
  RunResult result;
  result.wait_status = WaitFor(child.pid, timeout_ms);
  result.output = ReadFile(child.output_file);
  return result;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

long long JsonInt(const std::string& json, const std::string& key) {
  std::smatch m;
  if (!std::regex_search(json, m, std::regex("\"" + key + "\": ([0-9]+)"))) return -1;
  return std::stoll(m[1]);
}

bool PathExists(const std::string& path) {
  struct stat st;
  return lstat(path.c_str(), &st) == 0;
}

bool ProcessAlive(pid_t pid) {
  if (kill(pid, 0) != 0) return false;
  std::string stat = ReadFile("/proc/" + std::to_string(pid) + "/stat");
  size_t paren = stat.rfind(')');
  return paren == std::string::npos || paren + 2 >= stat.size() || stat[paren + 2] != 'Z';
}

}  // namespace dbt::testing
