// Dense double matrix multiply, C = A * B, in the cache-friendly i-k-j order,
// repeated. Prints the trace and a checksum of C.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char** argv) {
  int n = argc > 1 ? atoi(argv[1]) : 320;
  int rounds = argc > 2 ? atoi(argv[2]) : 3;
  double* a = malloc(sizeof(double) * n * n);
  double* b = malloc(sizeof(double) * n * n);
  double* c = malloc(sizeof(double) * n * n);
  uint32_t x = 1;
  for (int i = 0; i < n * n; i++) {
    x = x * 1103515245u + 12345u;
    a[i] = (double)(x >> 16 & 0xff) / 64.0 - 2.0;
    x = x * 1103515245u + 12345u;
    b[i] = (double)(x >> 16 & 0xff) / 32.0 - 4.0;
  }
  for (int r = 0; r < rounds; r++) {
    memset(c, 0, sizeof(double) * n * n);
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < n; k++) {
        double aik = a[i * n + k];
        for (int j = 0; j < n; j++) c[i * n + j] += aik * b[k * n + j];
      }
    }
    // Feed the result back so rounds cannot be merged.
    for (int i = 0; i < n * n; i++) a[i] = c[i] * (1.0 / 4096.0);
  }
  double trace = 0, sum = 0;
  for (int i = 0; i < n; i++) trace += c[i * n + i];
  for (int i = 0; i < n * n; i++) sum += c[i] * (double)(i % 7);
  printf("n=%d trace %.6e checksum %.6e\n", n, trace, sum);
  free(a);
  free(b);
  free(c);
  return 0;
}
