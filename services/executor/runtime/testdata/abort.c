// abort(): glibc unblocks SIGABRT and raises it with tgkill; the process
// must die by SIGABRT (a shell reports 134).
#include <stdio.h>
#include <stdlib.h>

int main(void) {
  printf("before abort\n");
  fflush(stdout);
  abort();
}
