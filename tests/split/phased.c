// A guest in two phases for the process-split fault tests: phase 1 computes
// and prints, then the program waits until the file argv[1] exists (the test
// kills the translator meanwhile, then creates it), then phase 2 runs code that phase 1 never executed
// (so it must be translated by whatever translator is there now) and prints
// a checksum. Output is deterministic; qemu-riscv64 is the oracle.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static uint64_t Mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
  return h * 0xff51afd7ed558ccdull;
}

static int CompareU32(const void* a, const void* b) {
  uint32_t x = *(const uint32_t*)a, y = *(const uint32_t*)b;
  return x < y ? -1 : x > y;
}

static uint64_t Phase1(void) {
  static uint32_t v[20000];
  uint32_t s = 12345;
  for (int i = 0; i < 20000; ++i) {
    s = s * 1103515245u + 12345u;
    v[i] = s >> 8;
  }
  qsort(v, 20000, sizeof v[0], CompareU32);
  uint64_t h = 0;
  for (int i = 0; i < 20000; i += 7) h = Mix(h, v[i]);
  return h;
}

// Phase 2: a small interpreter, a sieve and some floating point: code paths
// phase 1 did not touch.
static uint64_t Sieve(int n) {
  char* composite = calloc((size_t)n + 1, 1);
  uint64_t count = 0, sum = 0;
  for (int i = 2; i <= n; ++i) {
    if (composite[i]) continue;
    ++count;
    sum += (uint64_t)i;
    for (long j = (long)i * i; j <= n; j += i) composite[j] = 1;
  }
  free(composite);
  return count * 1000003u + sum;
}

static int64_t RunProgram(const int* code, int n, int64_t x) {
  int64_t acc = 0;
  for (int round = 0; round < 2000; ++round) {
    for (int pc = 0; pc < n; ++pc) {
      switch (code[pc]) {
        case 0: acc += x; break;
        case 1: acc ^= acc << 3; break;
        case 2: acc -= round; break;
        case 3: acc = acc * 3 + 1; break;
        case 4: x = (x * 7 + acc) & 0xffff; break;
        default: acc = ~acc; break;
      }
    }
  }
  return acc;
}

static double Series(int terms) {
  double s = 0;
  for (int k = 0; k < terms; ++k) s += (k % 2 ? -1.0 : 1.0) / (2.0 * k + 1.0);
  return 4 * s;
}

int main(int argc, char** argv) {
  printf("phase 1: %016llx\n", (unsigned long long)Phase1());
  fflush(stdout);
  if (argc > 1) {
    const struct timespec tick = {0, 10 * 1000 * 1000};
    for (int i = 0; access(argv[1], F_OK) != 0; ++i) {
      if (i > 6000) {
        printf("no go-ahead file\n");
        return 3;
      }
      nanosleep(&tick, NULL);
    }
  }
  static const int kCode[] = {0, 3, 1, 4, 2, 5, 0, 4, 3, 1};
  printf("phase 2: sieve %llu program %lld pi %.12f\n", (unsigned long long)Sieve(2000000),
         (long long)RunProgram(kCode, 10, 17), Series(3000000));
  return 0;
}
