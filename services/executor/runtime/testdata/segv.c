// A store to an unmapped address with no handler: death by SIGSEGV.
#include <stdio.h>

int main(int argc, char** argv) {
  printf("before fault\n");
  fflush(stdout);
  volatile int* p = (volatile int*)(argc * 0x10);  // 0x10: page 0, never mapped.
  *p = 1;
  printf("not reached\n");
  return 0;
}
