// Atomics on one thread: C11 <stdatomic.h> operations, the __atomic builtins on
// 32- and 64-bit (and, through libatomic, 8/16-bit) objects, AMO instructions
// written out (amoswap/amoadd/amoand/amoor/amoxor/amomin/amomax/amominu/amomaxu in
// .w and .d, with aq/rl bits, with rd = x0), CAS loops built on lr/sc, and the
// reservation rules (an sc with no valid reservation fails). Values are checked
// against plain-arithmetic expectations; .w results must be sign-extended.
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

#include "guest_check.h"

#define AMO(name, insn, type)                                                   \
  static uint64_t name(volatile type* p, uint64_t v) {                          \
    uint64_t old;                                                               \
    asm volatile(insn " %0, %2, (%1)" : "=r"(old) : "r"(p), "r"(v) : "memory"); \
    return old;                                                                 \
  }
AMO(AmoswapW, "amoswap.w", int32_t)
AMO(AmoaddW, "amoadd.w.aq", int32_t)
AMO(AmoandW, "amoand.w.rl", int32_t)
AMO(AmoorW, "amoor.w.aqrl", int32_t)
AMO(AmoxorW, "amoxor.w", int32_t)
AMO(AmominW, "amomin.w", int32_t)
AMO(AmomaxW, "amomax.w", int32_t)
AMO(AmominuW, "amominu.w", int32_t)
AMO(AmomaxuW, "amomaxu.w", int32_t)
AMO(AmoswapD, "amoswap.d.aqrl", int64_t)
AMO(AmoaddD, "amoadd.d", int64_t)
AMO(AmoandD, "amoand.d", int64_t)
AMO(AmoorD, "amoor.d", int64_t)
AMO(AmoxorD, "amoxor.d", int64_t)
AMO(AmominD, "amomin.d", int64_t)
AMO(AmomaxD, "amomax.d", int64_t)
AMO(AmominuD, "amominu.d", int64_t)
AMO(AmomaxuD, "amomaxu.d", int64_t)

// amoadd with rd = x0: the update happens, nothing is returned.
static void AmoaddDiscard(volatile int64_t* p, int64_t v) {
  asm volatile("amoadd.d x0, %1, (%0)" ::"r"(p), "r"(v) : "memory");
}

// fetch_min through an lr/sc loop (what a compiler without Zabha would emit for a
// wider or custom operation).
static int64_t LrScFetchMin(volatile int64_t* p, int64_t v) {
  int64_t old, tmp;
  asm volatile(
      "1: lr.d.aq %0, (%2)\n\t"
      "mv %1, %0\n\t"
      "ble %1, %3, 2f\n\t"
      "mv %1, %3\n\t"
      "2: sc.d.rl %1, %1, (%2)\n\t"
      "bnez %1, 1b"
      : "=&r"(old), "=&r"(tmp)
      : "r"(p), "r"(v)
      : "memory");
  return old;
}

// lr.w / sc.w pair: returns the sc status (0 = success) and the loaded value.
static uint64_t LrScW(volatile int32_t* p, int32_t v, uint64_t* loaded) {
  uint64_t status, old;
  asm volatile("lr.w %0, (%2)\n\tsc.w %1, %3, (%2)"
               : "=&r"(old), "=&r"(status)
               : "r"(p), "r"(v)
               : "memory");
  *loaded = old;
  return status;
}
// An sc right after a successful sc has no reservation and must fail.
static uint64_t ScTwice(volatile int64_t* p, int64_t v, uint64_t* first) {
  uint64_t s1, s2, old;
  asm volatile("lr.d %0, (%3)\n\tsc.d %1, %4, (%3)\n\tsc.d %2, %4, (%3)"
               : "=&r"(old), "=&r"(s1), "=&r"(s2)
               : "r"(p), "r"(v)
               : "memory");
  *first = s1;
  return s2;
}

static void C11Atomics(void) {
  _Atomic int32_t i32 = 10;
  _Atomic int64_t i64 = 10;
  _Atomic uint32_t u32 = 0xf0f0f0f0u;
  _Atomic uint64_t u64 = 0xf0f0f0f0f0f0f0f0ull;
  CHECK_EQ(atomic_fetch_add(&i32, 5), 10);
  CHECK_EQ(atomic_fetch_sub(&i32, 20), 15);
  CHECK_EQ(atomic_load(&i32), -5);
  CHECK_EQ(atomic_fetch_add_explicit(&i64, -11, memory_order_relaxed), 10);
  CHECK_EQ(atomic_load_explicit(&i64, memory_order_acquire), (uint64_t)-1);
  CHECK_EQ(atomic_fetch_and(&u32, 0xff00ff00u), 0xf0f0f0f0u);
  CHECK_EQ(atomic_fetch_or(&u32, 0x0000000fu), 0xf000f000u);
  CHECK_EQ(atomic_fetch_xor(&u32, 0xffffffffu), 0xf000f00fu);
  CHECK_EQ(atomic_load(&u32), 0x0fff0ff0u);
  CHECK_EQ(atomic_exchange(&u64, 1), 0xf0f0f0f0f0f0f0f0ull);
  uint64_t expected = 2;
  CHECK(!atomic_compare_exchange_strong(&u64, &expected, 3));
  CHECK_EQ(expected, 1);
  CHECK(atomic_compare_exchange_strong(&u64, &expected, 3));
  CHECK_EQ(atomic_load(&u64), 3);
  // A weak CAS loop computing a fetch-multiply.
  uint64_t cur = atomic_load(&u64);
  while (!atomic_compare_exchange_weak(&u64, &cur, cur * 7)) {
  }
  CHECK_EQ(atomic_load(&u64), 21);
  atomic_store_explicit(&i32, INT32_MIN, memory_order_release);
  CHECK_EQ(atomic_fetch_sub(&i32, 1), (uint64_t)(int64_t)INT32_MIN);  // wraps
  CHECK_EQ(atomic_load(&i32), INT32_MAX);
  atomic_flag flag = ATOMIC_FLAG_INIT;
  CHECK(!atomic_flag_test_and_set(&flag));
  CHECK(atomic_flag_test_and_set(&flag));
  atomic_flag_clear(&flag);
  CHECK(!atomic_flag_test_and_set(&flag));
  atomic_thread_fence(memory_order_seq_cst);
  printf("C11 atomics done\n");
}

static void Builtins(void) {
  int32_t w = 100;
  int64_t d = 100;
  uint8_t b = 250;
  uint16_t h = 65530;
  CHECK_EQ(__atomic_fetch_add(&w, 1, __ATOMIC_SEQ_CST), 100);
  CHECK_EQ(__atomic_add_fetch(&w, 1, __ATOMIC_SEQ_CST), 102);
  CHECK_EQ(__atomic_fetch_nand(&w, 0xff, __ATOMIC_SEQ_CST), 102);
  CHECK_EQ(w, ~(102 & 0xff));
  CHECK_EQ(__atomic_exchange_n(&d, -5, __ATOMIC_ACQ_REL), 100);
  int64_t exp64 = -5;
  CHECK(__atomic_compare_exchange_n(&d, &exp64, 77, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
  CHECK_EQ(__atomic_or_fetch(&d, 0x100, __ATOMIC_RELAXED), 77 | 0x100);
  CHECK_EQ(__atomic_xor_fetch(&d, 0x101, __ATOMIC_RELAXED), (77 | 0x100) ^ 0x101);
  CHECK_EQ(__atomic_and_fetch(&d, 0xf0, __ATOMIC_RELAXED), ((77 | 0x100) ^ 0x101) & 0xf0);
  // Subword atomics (libatomic: masked lr/sc on the containing word).
  CHECK_EQ(__atomic_fetch_add(&b, 10, __ATOMIC_SEQ_CST), 250);
  CHECK_EQ(b, 4);  // wraps modulo 256
  CHECK_EQ(__atomic_fetch_sub(&h, 65535, __ATOMIC_SEQ_CST), 65530);
  CHECK_EQ(h, 65531);
  uint8_t exp8 = 4;
  CHECK(__atomic_compare_exchange_n(&b, &exp8, 200, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
  CHECK_EQ(b, 200);
  CHECK(__atomic_always_lock_free(8, 0));
  // fetch_min/fetch_max via CAS loops on the builtins.
  int64_t m = 50;
  static const int64_t kValues[] = {70, 20, -3, 99, -100, 0};
  for (unsigned i = 0; i < sizeof kValues / sizeof kValues[0]; i++) {
    int64_t old = __atomic_load_n(&m, __ATOMIC_RELAXED);
    while (kValues[i] < old && !__atomic_compare_exchange_n(&m, &old, kValues[i], 1,
                                                            __ATOMIC_SEQ_CST, __ATOMIC_RELAXED)) {
    }
  }
  CHECK_EQ(m, (uint64_t)-100);
  printf("__atomic builtins done\n");
}

static void AmoInstructions(void) {
  volatile int32_t w = 0x7fffffff;
  CHECK_EQ(AmoaddW(&w, 1), 0x7fffffff);
  CHECK_EQ(w, INT32_MIN);
  CHECK_EQ(AmoswapW(&w, 5), 0xffffffff80000000ull);  // old value, sign-extended
  CHECK_EQ(AmoandW(&w, 0xfffffffc), 5);
  CHECK_EQ(AmoorW(&w, 0xf0000000u), 4);
  CHECK_EQ(AmoxorW(&w, 0xffffffffu), 0xfffffffff0000004ull);
  CHECK_EQ(w, 0x0ffffffb);
  w = -5;
  CHECK_EQ(AmominW(&w, 3), (uint64_t)-5);
  CHECK_EQ(w, -5);  // signed: -5 < 3
  CHECK_EQ(AmominuW(&w, 3), (uint64_t)-5);
  CHECK_EQ(w, 3);  // unsigned: 3 < 0xfffffffb
  CHECK_EQ(AmomaxW(&w, (uint64_t)-1), 3);
  CHECK_EQ(w, 3);
  CHECK_EQ(AmomaxuW(&w, (uint64_t)-1), 3);
  CHECK_EQ(w, -1);
  // Upper bits of the source register are ignored by .w AMOs.
  w = 10;
  CHECK_EQ(AmoaddW(&w, 0x1234567800000001ull), 10);
  CHECK_EQ(w, 11);
  CHECK_EQ(AmominW(&w, 0x00000001fffffff0ull), 11);  // low word -16 is smaller
  CHECK_EQ(w, -16);

  volatile int64_t d = INT64_MAX;
  CHECK_EQ(AmoaddD(&d, 1), INT64_MAX);
  CHECK_EQ(d, INT64_MIN);
  CHECK_EQ(AmominD(&d, 0), (uint64_t)INT64_MIN);
  CHECK_EQ(d, INT64_MIN);
  CHECK_EQ(AmominuD(&d, 0), (uint64_t)INT64_MIN);
  CHECK_EQ(d, 0);
  CHECK_EQ(AmomaxD(&d, (uint64_t)-7), 0);
  CHECK_EQ(d, 0);
  CHECK_EQ(AmomaxuD(&d, (uint64_t)-7), 0);
  CHECK_EQ(d, -7);
  CHECK_EQ(AmoandD(&d, 0xff), (uint64_t)-7);
  CHECK_EQ(AmoorD(&d, 0x100), 0xf9);
  CHECK_EQ(AmoxorD(&d, 0x1f9), 0x1f9);
  CHECK_EQ(AmoswapD(&d, 42), 0);
  AmoaddDiscard(&d, 8);
  CHECK_EQ(d, 50);
  CHECK_EQ(LrScFetchMin(&d, 60), 50);
  CHECK_EQ(d, 50);
  CHECK_EQ(LrScFetchMin(&d, -60), 50);
  CHECK_EQ(d, -60);

  volatile int32_t r = -2;
  uint64_t loaded;
  CHECK_EQ(LrScW(&r, 9, &loaded), 0);
  CHECK_EQ(loaded, (uint64_t)-2);  // lr.w sign-extends
  CHECK_EQ(r, 9);
  uint64_t first;
  volatile int64_t q = 1;
  uint64_t second = ScTwice(&q, 5, &first);
  CHECK_EQ(first, 0);
  CHECK(second != 0);
  CHECK_EQ(q, 5);
  printf("AMO instructions done\n");
}

int main(void) {
  C11Atomics();
  Builtins();
  AmoInstructions();
  return GuestFinish();
}
