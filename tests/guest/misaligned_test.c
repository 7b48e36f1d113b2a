// Misaligned loads and stores: through memcpy into unaligned addresses (what
// portable code does; GCC emits byte or word sequences), and through inline asm
// lh/lhu/lw/lwu/ld/sh/sw/sd and flw/fld/fsw/fsd at every offset within 8 bytes,
// including accesses that straddle a page boundary. RISC-V Linux user programs may
// rely on misaligned scalar accesses working (the kernel or hardware handles
// them), and qemu-user performs them; the expected values are composed byte by
// byte (little-endian) in C.
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "guest_check.h"

static uint64_t Ld(const void* p) {
  uint64_t r;
  asm volatile("ld %0, 0(%1)" : "=r"(r) : "r"(p) : "memory");
  return r;
}
static uint64_t Lw(const void* p) {
  uint64_t r;
  asm volatile("lw %0, 0(%1)" : "=r"(r) : "r"(p) : "memory");
  return r;
}
static uint64_t Lwu(const void* p) {
  uint64_t r;
  asm volatile("lwu %0, 0(%1)" : "=r"(r) : "r"(p) : "memory");
  return r;
}
static uint64_t Lh(const void* p) {
  uint64_t r;
  asm volatile("lh %0, 0(%1)" : "=r"(r) : "r"(p) : "memory");
  return r;
}
static uint64_t Lhu(const void* p) {
  uint64_t r;
  asm volatile("lhu %0, 0(%1)" : "=r"(r) : "r"(p) : "memory");
  return r;
}
// Loads with a non-zero displacement, so the misalignment comes from the offset.
static uint64_t LdOffset3(const void* p) {
  uint64_t r;
  asm volatile("ld %0, 3(%1)" : "=r"(r) : "r"(p) : "memory");
  return r;
}
static void Sd(void* p, uint64_t v) { asm volatile("sd %1, 0(%0)" ::"r"(p), "r"(v) : "memory"); }
static void Sw(void* p, uint64_t v) { asm volatile("sw %1, 0(%0)" ::"r"(p), "r"(v) : "memory"); }
static void Sh(void* p, uint64_t v) { asm volatile("sh %1, 0(%0)" ::"r"(p), "r"(v) : "memory"); }
static void SdOffsetMinus5(void* p, uint64_t v) {
  asm volatile("sd %1, -5(%0)" ::"r"(p), "r"(v) : "memory");
}
static uint64_t Fld(const void* p) {
  uint64_t r;
  asm volatile("fld ft0, 0(%1)\n\tfmv.x.d %0, ft0" : "=r"(r) : "r"(p) : "ft0", "memory");
  return r;
}
static uint64_t Flw(const void* p) {
  uint64_t r;
  asm volatile("flw ft0, 0(%1)\n\tfmv.x.d %0, ft0" : "=r"(r) : "r"(p) : "ft0", "memory");
  return r;
}
static void Fsd(void* p, uint64_t v) {
  asm volatile("fmv.d.x ft0, %1\n\tfsd ft0, 0(%0)" ::"r"(p), "r"(v) : "ft0", "memory");
}
static void Fsw(void* p, uint64_t v) {
  asm volatile("fmv.d.x ft0, %1\n\tfsw ft0, 0(%0)" ::"r"(p), "r"(v) : "ft0", "memory");
}

static uint64_t LittleEndian(const unsigned char* p, int n) {
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; i--) v = v << 8 | p[i];
  return v;
}
static uint64_t SignExtend(uint64_t v, int bits) {
  return (uint64_t)((int64_t)(v << (64 - bits)) >> (64 - bits));
}

// Runs every access kind at base+offset for offsets 0..15 and checks it.
static void CheckAll(unsigned char* base, const char* where) {
  int bad = 0;
  for (int off = 0; off < 16; off++) {
    unsigned char* p = base + off;
    for (int i = 0; i < 24; i++) p[i] = (unsigned char)(0x81 + i * 17 + off);
    bad += Ld(p) != LittleEndian(p, 8);
    bad += Lw(p) != SignExtend(LittleEndian(p, 4), 32);
    bad += Lwu(p) != LittleEndian(p, 4);
    bad += Lh(p) != SignExtend(LittleEndian(p, 2), 16);
    bad += Lhu(p) != LittleEndian(p, 2);
    bad += LdOffset3(p) != LittleEndian(p + 3, 8);
    bad += Fld(p) != LittleEndian(p, 8);
    bad += Flw(p) != (0xffffffff00000000ull | LittleEndian(p, 4));

    unsigned char expect[24];
    memcpy(expect, p, 24);
    const uint64_t v = 0x0123456789abcdefull ^ (uint64_t)off * 0x1111111111111111ull;
    Sd(p, v);
    for (int i = 0; i < 8; i++) expect[i] = (unsigned char)(v >> (8 * i));
    Sw(p + 9, v);
    for (int i = 0; i < 4; i++) expect[9 + i] = (unsigned char)(v >> (8 * i));
    Sh(p + 13, v >> 8);
    for (int i = 0; i < 2; i++) expect[13 + i] = (unsigned char)(v >> (8 + 8 * i));
    SdOffsetMinus5(p + 20, ~v);  // writes p[15..22]
    for (int i = 0; i < 8; i++) expect[15 + i] = (unsigned char)(~v >> (8 * i));
    bad += memcmp(p, expect, 24) != 0;
    Fsd(p + 1, v);
    for (int i = 0; i < 8; i++) expect[1 + i] = (unsigned char)(v >> (8 * i));
    Fsw(p + 10, 0xffffffff00000000ull | (v >> 16));
    for (int i = 0; i < 4; i++) expect[10 + i] = (unsigned char)(v >> (16 + 8 * i));
    bad += memcmp(p, expect, 24) != 0;
  }
  printf("%s: %d mismatches\n", where, bad);
  CHECK_EQ(bad, 0);
}

struct __attribute__((packed)) Packed {
  char c;
  uint64_t q;
  uint32_t w;
  uint16_t h;
  double d;
};

int main(void) {
  static unsigned char buffer[64] __attribute__((aligned(16)));
  CheckAll(buffer, "static buffer");

  // Two pages; offsets 4096-16..4096-1 make every access cross into the next page.
  unsigned char* pages =
      mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(pages != MAP_FAILED);
  CheckAll(pages + 4096 - 16, "page boundary");

  // memcpy to and from unaligned addresses.
  uint64_t sum = 0;
  for (int off = 0; off < 8; off++) {
    uint64_t v = 0xfedcba9876543210ull + (uint64_t)off;
    memcpy(buffer + off, &v, 8);
    uint64_t back;
    memcpy(&back, buffer + off, 8);
    CHECK_EQ(back, v);
    uint32_t w = (uint32_t)v;
    memcpy(buffer + 33 + off, &w, 4);
    uint32_t wback;
    memcpy(&wback, buffer + 33 + off, 4);
    CHECK_EQ(wback, w);
    sum += back + wback;
  }
  printf("memcpy round trips: sum %016llx\n", (unsigned long long)sum);

  // Packed structs: the compiler knows the fields are misaligned.
  static struct Packed packed[4];
  for (int i = 0; i < 4; i++) {
    packed[i].c = (char)i;
    packed[i].q = 0x1122334455667788ull * (uint64_t)(i + 1);
    packed[i].w = 0xa0b0c0d0u + (uint32_t)i;
    packed[i].h = (uint16_t)(0xbeef + i);
    packed[i].d = 1.0 / (i + 3);
  }
  uint64_t h = Fnv1a(FNV_INIT, packed, sizeof packed);
  printf("packed: size %zu hash %016llx q[3] %016llx d[2] %.17g\n", sizeof packed,
         (unsigned long long)h, (unsigned long long)packed[3].q, packed[2].d);
  return GuestFinish();
}
