// The program `bash tools/demo.sh` runs under `dbt run`: a little of
// everything a real program does (stdio, malloc, floating point, argv, exit
// status), deterministic so its output can be compared with qemu-riscv64.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char** argv) {
  long limit = argc > 1 ? strtol(argv[1], NULL, 10) : 1000000;
  char* composite = calloc(limit + 1, 1);
  long count = 0, last = 0;
  double sum_log = 0;
  for (long i = 2; i <= limit; i++) {
    if (composite[i]) continue;
    count++;
    last = i;
    sum_log += log((double)i);
    for (long j = i * i; j <= limit; j += i) composite[j] = 1;
  }
  free(composite);
  printf("hello from RISC-V: %ld primes up to %ld, the largest %ld\n", count, limit, last);
  printf("sum of their logs %.6f (theta(n)/n = %.6f)\n", sum_log, sum_log / limit);
  return count % 256 == 0 ? 1 : 0;
}
