// Reads each fd named on the command line and prints what it holds, or why
// not (tests/split/fds_test.sh: fds a shell gives dbt reach the guest).
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    int fd = atoi(argv[i]);
    char buf[256];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    if (n < 0) {
      printf("fd %d: %s\n", fd, strerror(errno));
      continue;
    }
    buf[n] = 0;
    printf("fd %d: %s", fd, buf);
  }
  return 0;
}
