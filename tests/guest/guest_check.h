// Self-check helpers for guest test programs. A failed check prints one line to
// stdout (so that it also shows in the qemu/dbt diff) and makes GuestFinish()
// return 1; a program's output must never contain addresses, times or pids.
#ifndef DBT_TESTS_GUEST_GUEST_CHECK_H_
#define DBT_TESTS_GUEST_GUEST_CHECK_H_

#include <stdint.h>
#include <stdio.h>

static int g_guest_failures;

#define CHECK(cond)                                  \
  do {                                               \
    if (!(cond)) {                                   \
      printf("FAIL line %d: %s\n", __LINE__, #cond); \
      g_guest_failures++;                            \
    }                                                \
  } while (0)

// Compares as 64-bit integers and prints both values on a mismatch.
#define CHECK_EQ(actual, expected)                                                   \
  do {                                                                               \
    uint64_t check_a_ = (uint64_t)(actual), check_e_ = (uint64_t)(expected);         \
    if (check_a_ != check_e_) {                                                      \
      printf("FAIL line %d: %s = 0x%llx, expected %s = 0x%llx\n", __LINE__, #actual, \
             (unsigned long long)check_a_, #expected, (unsigned long long)check_e_); \
      g_guest_failures++;                                                            \
    }                                                                                \
  } while (0)

// Prints the verdict and returns main's exit status: 0 when every check held.
static inline int GuestFinish(void) {
  if (g_guest_failures) {
    printf("%d CHECK(S) FAILED\n", g_guest_failures);
    return 1;
  }
  printf("ALL CHECKS PASSED\n");
  return 0;
}

// A 64-bit FNV-1a hash, for printing a checksum of a large result.
static inline uint64_t Fnv1a(uint64_t h, const void* data, unsigned long n) {
  const unsigned char* p = (const unsigned char*)data;
  for (unsigned long i = 0; i < n; i++) {
    h ^= p[i];
    h *= 1099511628211ull;
  }
  return h;
}
#define FNV_INIT 14695981039346656037ull

// A deterministic pseudo-random sequence (splitmix64).
static inline uint64_t NextRandom(uint64_t* state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

#endif  // DBT_TESTS_GUEST_GUEST_CHECK_H_
