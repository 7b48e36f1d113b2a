// A bytecode interpreter (switch dispatch in a loop: one indirect jump per
// instruction, with targets that depend on the data) running two programs: a
// prime counter by trial division and Fibonacci numbers modulo 1e9+7. Both
// results are checked against the same computations written in C.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum Op { PUSH, LOAD, STORE, ADD, SUB, MUL, MOD, LT, JMP, JZ, JNZ, PRINT, HALT };

struct Insn {
  uint8_t op;
  int32_t arg;
};

static int64_t Run(const struct Insn* code, int64_t* vars) {
  int64_t stack[64];
  int sp = 0;
  int64_t printed = 0;
  for (int pc = 0;;) {
    const struct Insn in = code[pc++];
    switch (in.op) {
      case PUSH:
        stack[sp++] = in.arg;
        break;
      case LOAD:
        stack[sp++] = vars[in.arg];
        break;
      case STORE:
        vars[in.arg] = stack[--sp];
        break;
      case ADD:
        sp--;
        stack[sp - 1] += stack[sp];
        break;
      case SUB:
        sp--;
        stack[sp - 1] -= stack[sp];
        break;
      case MUL:
        sp--;
        stack[sp - 1] *= stack[sp];
        break;
      case MOD:
        sp--;
        stack[sp - 1] %= stack[sp];
        break;
      case LT:
        sp--;
        stack[sp - 1] = stack[sp - 1] < stack[sp];
        break;
      case JMP:
        pc = in.arg;
        break;
      case JZ:
        if (stack[--sp] == 0) pc = in.arg;
        break;
      case JNZ:
        if (stack[--sp] != 0) pc = in.arg;
        break;
      case PRINT:
        printed = printed * 31 + stack[--sp];
        break;
      case HALT:
        return printed;
      default:
        abort();
    }
  }
}

// vars: 0 n, 1 d, 2 count, 3 limit, 4 is_prime. Counts primes in [2, limit).
static const struct Insn kPrimes[] = {
    /*0*/ {PUSH, 2},
    {STORE, 0},
    {PUSH, 0},
    {STORE, 2},
    /*4: n < limit? */ {LOAD, 0},
    {LOAD, 3},
    {LT, 0},
    {JZ, 31},
    /*8: d = 2, is_prime = 1 */ {PUSH, 2},
    {STORE, 1},
    {PUSH, 1},
    {STORE, 4},
    /*12: d*d < n+1? */ {LOAD, 1},
    {LOAD, 1},
    {MUL, 0},
    {LOAD, 0},
    {PUSH, 1},
    {ADD, 0},
    {LT, 0},
    {JZ, 25},
    /*20: n % d != 0 -> next d, else composite */ {LOAD, 0},
    {LOAD, 1},
    {MOD, 0},
    {JNZ, 40},
    {JMP, 45},
    /*25: count += is_prime */ {LOAD, 2},
    {LOAD, 4},
    {ADD, 0},
    {STORE, 2},
    {JMP, 34},
    /*30*/ {HALT, 0},
    /*31: print count */ {LOAD, 2},
    {PRINT, 0},
    {HALT, 0},
    /*34: n++ */ {LOAD, 0},
    {PUSH, 1},
    {ADD, 0},
    {STORE, 0},
    {JMP, 4},
    {HALT, 0},
    /*40: d++ */ {LOAD, 1},
    {PUSH, 1},
    {ADD, 0},
    {STORE, 1},
    {JMP, 12},
    /*45: composite */ {PUSH, 0},
    {STORE, 4},
    {JMP, 25}};

// vars: 0 i, 1 a, 2 b, 3 limit. Prints fib(limit) mod 1e9+7.
static const struct Insn kFib[] = {
    /*0*/ {PUSH, 0},
    {STORE, 1},
    {PUSH, 1},
    {STORE, 2},
    {PUSH, 0},
    {STORE, 0},
    /*6: i < limit? */ {LOAD, 0},
    {LOAD, 3},
    {LT, 0},
    {JZ, 24},
    /*10: t = (a + b) % p */ {LOAD, 1},
    {LOAD, 2},
    {ADD, 0},
    {PUSH, 1000000007},
    {MOD, 0},
    /*15: a = b; b = t */ {LOAD, 2},
    {STORE, 1},
    {STORE, 2},
    /*18: i++ */ {LOAD, 0},
    {PUSH, 1},
    {ADD, 0},
    {STORE, 0},
    {JMP, 6},
    {HALT, 0},
    /*24*/ {LOAD, 1},
    {PRINT, 0},
    {HALT, 0}};

static int64_t CountPrimes(int64_t limit) {
  int64_t count = 0;
  for (int64_t n = 2; n < limit; n++) {
    int prime = 1;
    for (int64_t d = 2; d * d < n + 1; d++) {
      if (n % d == 0) {
        prime = 0;
        break;
      }
    }
    count += prime;
  }
  return count;
}

static int64_t Fib(int64_t n) {
  int64_t a = 0, b = 1;
  for (int64_t i = 0; i < n; i++) {
    int64_t t = (a + b) % 1000000007;
    a = b;
    b = t;
  }
  return a;
}

int main(int argc, char** argv) {
  int64_t limit = argc > 1 ? atol(argv[1]) : 120000;
  int64_t vars[8] = {0, 0, 0, limit, 0};
  int64_t primes = Run(kPrimes, vars);
  int64_t fib_vars[8] = {0, 0, 0, limit * 20, 0};
  int64_t fib = Run(kFib, fib_vars);
  if (primes != CountPrimes(limit) || fib != Fib(limit * 20)) {
    printf("interpreter disagrees with C: %lld %lld\n", (long long)primes, (long long)fib);
    return 1;
  }
  printf("primes below %lld: %lld; fib(%lld) mod 1e9+7 = %lld\n", (long long)limit,
         (long long)primes, (long long)(limit * 20), (long long)fib);
  return 0;
}
