// A guest whose code paths depend on its argument, for the lazy-translator
// tests (tests/cache/cache_run_test.sh): a run of "a" leaves a preload image
// of phase A only; a later run of "ab", "fork" or "threads" then needs code
// the image does not hold, so its translator starts mid-run (from the main
// thread, around a fork, or from several threads at once). Output is
// deterministic; qemu-riscv64 is the oracle.
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

// Phase A: a shell sort of generated numbers, folded with FNV-1a.
static uint64_t PhaseA(void) {
  enum { kN = 5000 };
  static uint32_t v[kN];
  uint32_t s = 12345;
  for (int i = 0; i < kN; ++i) {
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    v[i] = s;
  }
  for (int gap = kN / 2; gap > 0; gap /= 2) {
    for (int i = gap; i < kN; ++i) {
      const uint32_t x = v[i];
      int j = i;
      for (; j >= gap && v[j - gap] > x; j -= gap) v[j] = v[j - gap];
      v[j] = x;
    }
  }
  uint64_t h = 0xcbf29ce484222325ull;
  for (int i = 0; i < kN; i += 3) h = (h ^ v[i]) * 0x100000001b3ull;
  return h;
}

// Phase B: code phase A never ran (a bitset sieve, a tiny interpreter, a
// series).
static uint64_t Sieve(int n) {
  uint64_t* odd_composite = calloc((size_t)n / 128 + 1, sizeof(uint64_t));
  uint64_t count = n >= 2, sum = n >= 2 ? 2 : 0;
  for (int i = 3; i <= n; i += 2) {
    const int bit = i / 2;
    if (odd_composite[bit / 64] >> (bit % 64) & 1) continue;
    ++count;
    sum += (uint64_t)i;
    for (long j = (long)i * i; j <= n; j += 2L * i) {
      odd_composite[j / 2 / 64] |= 1ull << (j / 2 % 64);
    }
  }
  free(odd_composite);
  return count * 1000003u + sum;
}

static int64_t Interpret(int64_t x) {
  static const int kCode[] = {0, 3, 1, 4, 2, 5, 0, 4, 3, 1};
  int64_t acc = 0;
  for (int round = 0; round < 500; ++round) {
    for (int pc = 0; pc < 10; ++pc) {
      switch (kCode[pc]) {
        case 0:
          acc += x;
          break;
        case 1:
          acc ^= acc << 3;
          break;
        case 2:
          acc -= round;
          break;
        case 3:
          acc = acc * 3 + 1;
          break;
        case 4:
          x = (x * 7 + acc) & 0xffff;
          break;
        default:
          acc = ~acc;
          break;
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

static void PhaseB(const char* who, int seed) {
  printf("%s: sieve %llu interpreter %lld pi %.9f\n", who, (unsigned long long)Sieve(100000 + seed),
         (long long)Interpret(17 + seed), Series(100000 + seed));
}

struct Work {
  int i;
  uint64_t sieve;
  int64_t interp;
};

// Computes only: main prints the results in order once all have joined.
static void* Thread(void* arg) {
  struct Work* w = arg;
  w->sieve = Sieve(50000 + w->i);
  w->interp = Interpret(w->i);
  return NULL;
}

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "a";
  printf("phase A: %016llx\n", (unsigned long long)PhaseA());
  fflush(stdout);
  if (strcmp(mode, "ab") == 0) {
    PhaseB("phase B", 0);
  } else if (strcmp(mode, "fork") == 0) {
    pid_t child = fork();
    if (child == 0) {
      PhaseB("child", 1);
      return 7;
    }
    int status = 0;
    waitpid(child, &status, 0);
    printf("child exited %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    PhaseB("parent", 2);
  } else if (strcmp(mode, "threads") == 0) {
    pthread_t t[4];
    struct Work work[4];
    for (int i = 0; i < 4; ++i) {
      work[i].i = i;
      pthread_create(&t[i], NULL, Thread, &work[i]);
    }
    for (int i = 0; i < 4; ++i) pthread_join(t[i], NULL);
    for (int i = 0; i < 4; ++i) {
      printf("thread %d: sieve %llu interpreter %lld\n", i, (unsigned long long)work[i].sieve,
             (long long)work[i].interp);
    }
  }
  return 0;
}
