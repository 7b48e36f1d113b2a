// Reads stdin in one of three ways (argv[1]): "scanf" sums the integers with
// scanf; "read" consumes it with read() in small odd-sized chunks, counting bytes,
// lines and a checksum; "getline" sums the first number of each line and reports
// the longest line. An empty stdin is a valid input for every mode.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "guest_check.h"

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "scanf";
  if (strcmp(mode, "scanf") == 0) {
    long long value, sum = 0, count = 0, min = 0, max = 0;
    while (scanf("%lld", &value) == 1) {
      if (count == 0 || value < min) min = value;
      if (count == 0 || value > max) max = value;
      sum += value;
      count++;
    }
    printf("count %lld sum %lld min %lld max %lld\n", count, sum, min, max);
  } else if (strcmp(mode, "read") == 0) {
    char buf[7];
    long bytes = 0, lines = 0, calls = 0;
    uint64_t hash = FNV_INIT;
    for (;;) {
      ssize_t n = read(0, buf, sizeof buf);
      CHECK(n >= 0);
      if (n <= 0) break;
      calls++;
      bytes += n;
      for (ssize_t i = 0; i < n; i++) lines += buf[i] == '\n';
      hash = Fnv1a(hash, buf, (unsigned long)n);
    }
    CHECK(read(0, buf, sizeof buf) == 0);  // still at end of file
    printf("bytes %ld lines %ld hash %016llx at-least-bytes/7-calls %d\n", bytes, lines,
           (unsigned long long)hash, calls >= bytes / 7);
  } else if (strcmp(mode, "getline") == 0) {
    char* line = NULL;
    size_t cap = 0;
    ssize_t len, longest = 0;
    long long sum = 0;
    long lines = 0;
    while ((len = getline(&line, &cap, stdin)) != -1) {
      lines++;
      if (len > longest) longest = len;
      sum += strtoll(line, NULL, 10);
    }
    free(line);
    printf("lines %ld longest %zd sum of first fields %lld\n", lines, longest, sum);
  } else {
    fprintf(stderr, "unknown mode %s\n", mode);
    return 2;
  }
  return GuestFinish();
}
