// qsort of 1M pseudo-random ints with a comparator called through a function
// pointer (indirect calls dominate), repeated on fresh data. Prints a checksum of
// the sorted arrays.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static int Compare(const void* a, const void* b) {
  int x = *(const int*)a, y = *(const int*)b;
  return (x > y) - (x < y);
}

int main(int argc, char** argv) {
  long n = argc > 1 ? atol(argv[1]) : 1000000;
  int rounds = argc > 2 ? atoi(argv[2]) : 3;
  int* v = malloc(sizeof(int) * (size_t)n);
  uint64_t checksum = 0;
  uint32_t x = 42;
  for (int r = 0; r < rounds; r++) {
    for (long i = 0; i < n; i++) {
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      v[i] = (int)(x % 2000000001u) - 1000000000;
    }
    qsort(v, (size_t)n, sizeof(int), Compare);
    for (long i = 1; i < n; i++) {
      if (v[i - 1] > v[i]) {
        printf("not sorted at %ld\n", i);
        return 1;
      }
    }
    for (long i = 0; i < n; i += 97) checksum = checksum * 1000003 + (uint32_t)v[i];
  }
  printf("sorted %ld ints x%d: min %d max %d checksum %016llx\n", n, rounds, v[0], v[n - 1],
         (unsigned long long)checksum);
  free(v);
  return 0;
}
