// Sieve of Eratosthenes over a byte array, repeated: byte stores with large
// strides and a counting pass. Prints the prime count and a checksum of primes.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char** argv) {
  long limit = argc > 1 ? atol(argv[1]) : 20000000;
  int rounds = argc > 2 ? atoi(argv[2]) : 10;
  unsigned char* composite = malloc((size_t)limit + 1);
  long count = 0;
  uint64_t checksum = 0;
  for (int r = 0; r < rounds; r++) {
    memset(composite, 0, (size_t)limit + 1);
    for (long i = 2; i * i <= limit; i++) {
      if (composite[i]) continue;
      for (long j = i * i; j <= limit; j += i) composite[j] = 1;
    }
    count = 0;
    checksum = 0;
    for (long i = 2; i <= limit; i++) {
      if (!composite[i]) {
        count++;
        checksum = checksum * 31 + (uint64_t)i;
      }
    }
  }
  printf("primes below %ld: %ld checksum %016llx\n", limit, count, (unsigned long long)checksum);
  free(composite);
  return 0;
}
