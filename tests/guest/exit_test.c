// Exit statuses, one way per argv: `exit N`, `_exit N`, `return N` (from main),
// `exit_group N` (the raw syscall), and `atexit` (handlers run in reverse order of
// registration, and stdio buffers are flushed by exit but not by _exit). The
// status a shell sees is N & 0xff.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static void First(void) { printf("atexit handler registered first\n"); }
static void Second(void) { printf("atexit handler registered second\n"); }

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s exit|_exit|return|exit_group|atexit N\n", argv[0]);
    return 2;
  }
  const char* how = argv[1];
  int n = atoi(argv[2]);
  printf("exiting with %d via %s\n", n, how);  // buffered: stdout is not a terminal
  if (strcmp(how, "exit") == 0) exit(n);
  if (strcmp(how, "return") == 0) return n;
  if (strcmp(how, "_exit") == 0) {
    fflush(stdout);  // _exit does not flush stdio
    printf("this line is buffered and lost\n");
    _exit(n);
  }
  if (strcmp(how, "exit_group") == 0) {
    fflush(stdout);
    syscall(SYS_exit_group, n);
  }
  if (strcmp(how, "atexit") == 0) {
    atexit(First);
    atexit(Second);
    exit(n);
  }
  fprintf(stderr, "unknown mode %s\n", how);
  return 2;
}
