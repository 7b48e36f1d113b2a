// The guest the executor service tests run: one program, the first argument
// says what it does. Output goes through write(2) so that what reaches each
// stream, and in which order, is exactly what the source says.
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void Put(int fd, const char* s) {
  size_t n = strlen(s);
  while (n > 0) {
    ssize_t w = write(fd, s, n);
    if (w <= 0) exit(100);
    s += w;
    n -= (size_t)w;
  }
}

int main(int argc, char** argv) {
  if (argc < 2) return 64;
  const char* mode = argv[1];
  char line[PATH_MAX + 64];
  if (strcmp(mode, "streams") == 0) {
    // stdout: "out-1\nout-2\n", stderr: "err-1\nerr-2\n", exit 0.
    Put(1, "out-1\n");
    Put(2, "err-1\n");
    Put(1, "out-2\n");
    Put(2, "err-2\n");
    return 0;
  }
  if (strcmp(mode, "exit") == 0 && argc == 3) exit(atoi(argv[2]));
  if (strcmp(mode, "abort") == 0) abort();
  if (strcmp(mode, "sleep") == 0) {
    // "sleeping\n" on stdout, then up to 120 s of sleep: a guest to kill.
    Put(1, "sleeping\n");
    for (int i = 0; i < 1200; ++i) {
      struct timespec ts = {0, 100 * 1000 * 1000};
      nanosleep(&ts, NULL);
    }
    return 0;
  }
  if (strcmp(mode, "show") == 0) {
    // One line per argv entry, then the env var DBT_TEST_VAR, then the cwd.
    for (int i = 0; i < argc; ++i) {
      snprintf(line, sizeof(line), "argv[%d]=%s\n", i, argv[i]);
      Put(1, line);
    }
    const char* var = getenv("DBT_TEST_VAR");
    snprintf(line, sizeof(line), "DBT_TEST_VAR=%s\n", var ? var : "(unset)");
    Put(1, line);
    char cwd[PATH_MAX];
    snprintf(line, sizeof(line), "cwd=%s\n", getcwd(cwd, sizeof(cwd)) ? cwd : "(error)");
    Put(1, line);
    return 0;
  }
  if (strcmp(mode, "count") == 0 && argc == 3) {
    // Lines "%07x\n" for 0 .. N-1 (8 bytes each, N < 2^28) on stdout.
    const long n = atol(argv[2]);
    static char block[8 * 4096 + 1];
    size_t used = 0;
    for (long i = 0; i < n; ++i) {
      snprintf(block + used, 9, "%07x\n", (unsigned)(i & 0xfffffff));
      used += 8;
      if (used == sizeof(block) - 1 || i == n - 1) {
        block[used] = '\0';
        Put(1, block);
        used = 0;
      }
    }
    return 0;
  }
  if (strcmp(mode, "sigpipe") == 0) {
    // A write to a pipe nobody reads: death by SIGPIPE, unless SIGPIPE is
    // ignored (then "EPIPE" and exit 1).
    int p[2];
    if (pipe(p) != 0) return 2;
    close(p[0]);
    if (write(p[1], "x", 1) < 0) Put(2, "EPIPE\n");
    return 1;
  }
  if (strcmp(mode, "pgrp") == 0) {
    snprintf(line, sizeof(line), "pgrp=%ld\n", (long)getpgrp());
    Put(1, line);
    return 0;
  }
  return 64;
}
