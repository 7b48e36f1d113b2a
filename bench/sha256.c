// SHA-256 (FIPS 180-4) over generated data: 32-bit rotates, shifts, adds and
// table lookups in a tight loop. Prints the digest of the whole stream, which is
// checked against a known-answer test first ("abc").
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const uint32_t kK[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

struct Sha256 {
  uint32_t h[8];
  uint64_t length;
  unsigned char block[64];
  unsigned used;
};

static uint32_t Rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

static void Compress(uint32_t h[8], const unsigned char* p) {
  uint32_t w[64];
  for (int i = 0; i < 16; i++) {
    w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 |
           p[4 * i + 3];
  }
  for (int i = 16; i < 64; i++) {
    uint32_t s0 = Rotr(w[i - 15], 7) ^ Rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
    uint32_t s1 = Rotr(w[i - 2], 17) ^ Rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
  for (int i = 0; i < 64; i++) {
    uint32_t t1 =
        hh + (Rotr(e, 6) ^ Rotr(e, 11) ^ Rotr(e, 25)) + ((e & f) ^ (~e & g)) + kK[i] + w[i];
    uint32_t t2 = (Rotr(a, 2) ^ Rotr(a, 13) ^ Rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    hh = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e, h[5] += f, h[6] += g, h[7] += hh;
}

static void Init(struct Sha256* s) {
  static const uint32_t kH0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                  0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  memcpy(s->h, kH0, sizeof kH0);
  s->length = 0;
  s->used = 0;
}

static void Update(struct Sha256* s, const unsigned char* p, size_t n) {
  s->length += n;
  while (n > 0) {
    if (s->used == 0 && n >= 64) {
      Compress(s->h, p);
      p += 64;
      n -= 64;
      continue;
    }
    unsigned take = 64 - s->used < n ? 64 - s->used : (unsigned)n;
    memcpy(s->block + s->used, p, take);
    s->used += take;
    p += take;
    n -= take;
    if (s->used == 64) {
      Compress(s->h, s->block);
      s->used = 0;
    }
  }
}

static void Final(struct Sha256* s, unsigned char out[32]) {
  uint64_t bits = s->length * 8;
  unsigned char pad = 0x80;
  Update(s, &pad, 1);
  pad = 0;
  while (s->used != 56) Update(s, &pad, 1);
  unsigned char len[8];
  for (int i = 0; i < 8; i++) len[i] = (unsigned char)(bits >> (56 - 8 * i));
  Update(s, len, 8);
  for (int i = 0; i < 32; i++) out[i] = (unsigned char)(s->h[i / 4] >> (24 - 8 * (i % 4)));
}

static void Hex(const unsigned char d[32], char out[65]) {
  for (int i = 0; i < 32; i++) sprintf(out + 2 * i, "%02x", d[i]);
}

int main(int argc, char** argv) {
  long megabytes = argc > 1 ? atol(argv[1]) : 160;
  struct Sha256 s;
  unsigned char digest[32];
  char hex[65];
  Init(&s);
  Update(&s, (const unsigned char*)"abc", 3);
  Final(&s, digest);
  Hex(digest, hex);
  // FIPS 180-4 example: SHA-256("abc").
  if (strcmp(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") != 0) {
    printf("known-answer test failed: %s\n", hex);
    return 1;
  }
  static unsigned char chunk[1 << 16];
  uint32_t x = 12345;
  Init(&s);
  for (long i = 0; i < megabytes * 16; i++) {
    for (size_t j = 0; j < sizeof chunk; j += 4) {
      x = x * 1664525u + 1013904223u;
      memcpy(chunk + j, &x, 4);
    }
    Update(&s, chunk, sizeof chunk);
  }
  Final(&s, digest);
  Hex(digest, hex);
  printf("sha256 of %ld MiB: %s\n", megabytes, hex);
  return 0;
}
