// Stand-in for the session binary in session_spawn_test: reports what it was
// started with (argv, the contents of fds 0..4, fds open above 4 and theirs, ignored and
// blocked signals) to the file named by $PROBE_OUT, then exits 0.
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

int main(int argc, char** argv) {
  const char* out_path = getenv("PROBE_OUT");
  if (out_path == nullptr) return 2;
  std::string report = "argv=";
  for (int i = 0; i < argc; ++i) report += std::string(i ? " " : "") + argv[i];
  report += "\n";
  for (int fd = 0; fd < 5; ++fd) {
    char buf[64] = {};
    const ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
    report += "fd" + std::to_string(fd) + "=" + (n >= 0 ? std::string(buf, n) : "(closed)") + "\n";
  }
  std::string above, contents;
  if (DIR* d = opendir("/proc/self/fd")) {
    while (dirent* e = readdir(d)) {
      const int fd = atoi(e->d_name);
      if (e->d_name[0] != '.' && fd > 4 && fd != dirfd(d)) {
        above += std::string(" ") + e->d_name;
        char buf[64] = {};
        const ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
        contents += "fd" + std::to_string(fd) + "=" + (n >= 0 ? std::string(buf, n) : "?") + "\n";
      }
    }
    closedir(d);
  }
  report += "above4=" + above + "\n" + contents;
  unsigned long long ignored = 0;
  for (int sig = 1; sig < 32; ++sig) {
    struct sigaction sa;
    if (sigaction(sig, nullptr, &sa) == 0 && sa.sa_handler == SIG_IGN) ignored |= 1ull << (sig - 1);
  }
  sigset_t mask;
  sigprocmask(SIG_SETMASK, nullptr, &mask);
  unsigned long long blocked = 0;
  for (int sig = 1; sig < 32; ++sig) {
    if (sigismember(&mask, sig)) blocked |= 1ull << (sig - 1);
  }
  char line[128];
  snprintf(line, sizeof(line), "ignored=%llx\nblocked=%llx\n", ignored, blocked);
  report += line;
  FILE* f = fopen(out_path, "w");
  if (f == nullptr) return 3;
  fputs(report.c_str(), f);
  fclose(f);
  return 0;
}
