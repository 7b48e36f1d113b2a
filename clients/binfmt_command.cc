#include "clients/binfmt_command.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "clients/run_command.h"

namespace dbt {
namespace {

constexpr char kDefaultDir[] = "/proc/sys/fs/binfmt_misc";
// A riscv64 ELF executable: class 64, little-endian, version 1, e_type
// EXEC or DYN (the mask's 0xfe), e_machine 243 (qemu-user-binfmt's).
constexpr char kMagic[] =
    "\\x7fELF\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xf3\\x00";
constexpr char kMask[] =
    "\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xf"
    "f\\xff";

void Usage() {
  fprintf(stderr,
          "usage: dbt binfmt install|uninstall|status [--dir=DIR] [--link-dir=DIR]\n"
          "  install    register dbt for riscv64 ELF programs with binfmt_misc (flags PF)\n"
          "  uninstall  remove the registration\n"
          "  status     say whether it is registered, and how\n"
          "  --dir=DIR  the binfmt_misc mount (default /proc/sys/fs/binfmt_misc)\n"
          "  --link-dir=DIR  where the handler symlink %s goes (default: next to dbt)\n",
          kBinfmtHandlerName);
}

std::string SelfPath() {
  char self[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  return n > 0 ? std::string(self, static_cast<size_t>(n)) : "";
}

bool WriteFile(const std::string& path, const std::string& text, std::string* error) {
  const int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    *error = absl::StrCat(path, ": ", strerror(errno));
    return false;
  }
  const ssize_t n = write(fd, text.data(), text.size());
  const int saved = errno;
  close(fd);
  if (n != static_cast<ssize_t>(text.size())) {
    *error = absl::StrCat(path, ": ", strerror(n < 0 ? saved : EIO));
    return false;
  }
  return true;
}

}  // namespace

int BinfmtCommand(const std::vector<std::string>& args) {
  std::string dir = kDefaultDir;
  std::string link_dir;
  std::string what;
  for (const std::string& a : args) {
    if (absl::StartsWith(a, "--dir=")) {
      dir = a.substr(6);
    } else if (absl::StartsWith(a, "--link-dir=")) {
      link_dir = a.substr(11);
    } else if (a == "-h" || a == "--help") {
      Usage();
      return 0;
    } else if (what.empty()) {
      what = a;
    } else {
      Usage();
      return 2;
    }
  }
  const std::string entry = absl::StrCat(dir, "/", kBinfmtName);
  if (what == "status") {
    std::ifstream in(entry);
    if (!in) {
      printf("dbt binfmt: not installed (no %s)\n", entry.c_str());
      return 1;
    }
    std::stringstream text;
    text << in.rdbuf();
    printf("dbt binfmt: installed (%s)\n%s", entry.c_str(), text.str().c_str());
    return 0;
  }
  if (what == "uninstall") {
    if (access(entry.c_str(), F_OK) != 0) {
      printf("dbt binfmt: not installed\n");
      return 0;
    }
    std::string error;
    if (!WriteFile(entry, "-1", &error)) {
      fprintf(stderr, "dbt binfmt: cannot remove the registration: %s\n", error.c_str());
      return 1;
    }
    printf("dbt binfmt: removed %s\n", entry.c_str());
    return 0;
  }
  if (what != "install") {
    Usage();
    return 2;
  }
  const std::string self = SelfPath();
  if (self.empty()) {
    fprintf(stderr, "dbt binfmt: cannot name this dbt binary\n");
    return 1;
  }
  if (link_dir.empty()) link_dir = self.substr(0, self.rfind('/'));
  const std::string handler = absl::StrCat(link_dir, "/", kBinfmtHandlerName);
  unlink(handler.c_str());
  if (symlink(self.c_str(), handler.c_str()) != 0) {
    fprintf(stderr, "dbt binfmt: cannot create %s: %s\n", handler.c_str(), strerror(errno));
    return 1;
  }
  if (access(entry.c_str(), F_OK) == 0) {
    std::string error;
    if (!WriteFile(entry, "-1", &error)) {
      fprintf(stderr, "dbt binfmt: cannot replace the registration: %s\n", error.c_str());
      return 1;
    }
  }
  const std::string line =
      absl::StrCat(":", kBinfmtName, ":M::", kMagic, ":", kMask, ":", handler, ":PF");
  std::string error;
  if (!WriteFile(absl::StrCat(dir, "/register"), line, &error)) {
    fprintf(stderr,
            "dbt binfmt: cannot register: %s (binfmt_misc mounted at %s? root needed, or a user "
            "namespace of its own)\n",
            error.c_str(), dir.c_str());
    return 1;
  }
  printf("dbt binfmt: riscv64 ELF programs now run under %s (flags PF)\n", handler.c_str());
  return 0;
}

int BinfmtHandler(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "%s: started without a program (binfmt_misc gives PROG ARGV0 ARGS)\n", argv[0]);
    return 2;
  }
  std::vector<std::string> args = {"-0", argv[2], "--", argv[1]};
  for (int i = 3; i < argc; ++i) args.push_back(argv[i]);
  return RunCommand(args);
}

}  // namespace dbt
