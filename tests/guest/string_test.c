// glibc's optimized string functions (word-at-a-time loops with unaligned heads
// and tails) on every source/destination alignment 0..15 and lengths 0..300:
// memcpy, memmove (both overlap directions), memset, memcmp, strlen, strnlen,
// strcmp, strncmp, strchr, strrchr, memchr, strcpy, strcat, strstr. Each result
// is checked against a byte-at-a-time reference written here. strlen/strchr are
// also run on strings ending right before an inaccessible page, where an
// implementation (or a translator) reading past the terminator would fault.
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "guest_check.h"

static size_t RefStrlen(const char* s) {
  size_t n = 0;
  while (s[n]) n++;
  return n;
}
static int Sign(int v) { return (v > 0) - (v < 0); }
static int RefMemcmp(const unsigned char* a, const unsigned char* b, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return 0;
}

enum { kMaxLen = 300, kBuf = kMaxLen + 64 };
static unsigned char src[kBuf], dst[kBuf], ref[kBuf];

static void Fill(unsigned char* p, size_t n, unsigned seed) {
  for (size_t i = 0; i < n; i++) p[i] = (unsigned char)(seed + i * 37 + (i >> 3));
}

int main(void) {
  int bad_memcpy = 0, bad_memmove = 0, bad_memset = 0, bad_memcmp = 0;
  uint64_t hash = FNV_INIT;
  for (int sa = 0; sa < 16; sa++) {
    for (int da = 0; da < 16; da++) {
      for (int len = 0; len <= kMaxLen; len += (len < 40 ? 1 : 13)) {
        Fill(src, kBuf, (unsigned)(sa + len));
        Fill(dst, kBuf, 0xa5);
        memcpy(ref, dst, kBuf);
        for (int i = 0; i < len; i++) ref[da + i] = src[sa + i];
        memcpy(dst + da, src + sa, (size_t)len);
        bad_memcpy += memcmp(dst, ref, kBuf) != 0;  // also checks nothing else changed

        // memmove within one buffer, overlapping forwards and backwards.
        Fill(dst, kBuf, 3);
        memcpy(ref, dst, kBuf);
        int from = sa + 8, to = da + (len & 1 ? 0 : 16);
        unsigned char tmp[kBuf];  // the reference copies from an untouched snapshot
        memcpy(tmp, dst, kBuf);
        for (int i = 0; i < len; i++) ref[to + i] = tmp[from + i];
        memmove(dst + to, dst + from, (size_t)len);
        bad_memmove += memcmp(dst, ref, kBuf) != 0;

        memcpy(ref, dst, kBuf);
        for (int i = 0; i < len; i++) ref[da + i] = (unsigned char)(len + sa);
        memset(dst + da, len + sa, (size_t)len);
        bad_memset += memcmp(dst, ref, kBuf) != 0;

        // memcmp with a difference at the last byte (or none).
        Fill(src, kBuf, 9);
        memcpy(dst + da, src + sa, (size_t)len);
        if (len > 0 && (sa + da) % 3 == 0) dst[da + len - 1] ^= (unsigned char)(0x80 >> (sa % 8));
        int got = Sign(memcmp(src + sa, dst + da, (size_t)len));
        bad_memcmp += got != RefMemcmp(src + sa, dst + da, (size_t)len);
        hash = Fnv1a(hash, &got, sizeof got);
      }
    }
  }
  printf("memcpy %d memmove %d memset %d memcmp %d bad; memcmp hash %016llx\n", bad_memcpy,
         bad_memmove, bad_memset, bad_memcmp, (unsigned long long)hash);
  CHECK_EQ(bad_memcpy + bad_memmove + bad_memset + bad_memcmp, 0);

  // C strings at every alignment.
  static char a[kBuf], b[kBuf];
  int bad_str = 0;
  for (int al = 0; al < 16; al++) {
    for (int len = 0; len < 200; len++) {
      memset(a, 'x', sizeof a);
      for (int i = 0; i < len; i++) a[al + i] = (char)('A' + (i * 7 + al) % 26);
      a[al + len] = 0;
      const char* s = a + al;
      bad_str += strlen(s) != (size_t)len || strlen(s) != RefStrlen(s);
      bad_str += strnlen(s, (size_t)len / 2) != (size_t)len / 2;
      char last = len ? s[len - 1] : 0;
      const char* c = strchr(s, last);
      const char* ref_c = s;
      while (*ref_c && *ref_c != last) ref_c++;
      if (!last) ref_c = s + len;
      bad_str += c != ref_c;
      bad_str += strchr(s, '#') != NULL;
      bad_str += strrchr(s, 0) != s + len;
      bad_str += memchr(s, 0, (size_t)len + 1) != s + len;
      // strcpy into another alignment, then strcmp/strncmp.
      char* d = b + (al * 5) % 16;
      strcpy(d, s);
      bad_str += strcmp(d, s) != 0;
      if (len > 2) {
        d[len - 2]++;
        bad_str += Sign(strcmp(d, s)) != 1 || Sign(strcmp(s, d)) != -1;
        bad_str += strncmp(d, s, (size_t)len - 2) != 0;
        bad_str += strncmp(d, s, (size_t)len - 1) <= 0;
      }
    }
  }
  printf("C string functions: %d bad\n", bad_str);
  CHECK_EQ(bad_str, 0);

  char cat[64] = "dynamic";
  strcat(cat, " binary");
  volatile size_t keep = 11;  // copies " translator", drops the "!!!"
  strncat(cat, " translator!!!", keep);
  printf("strcat: %s, strstr: %s\n", cat, strstr(cat, "bin"));
  CHECK(strcmp(cat, "dynamic binary translator") == 0);
  CHECK(strstr(cat, "nope") == NULL);

  // Strings ending at the last byte before a PROT_NONE page.
  char* pages = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(pages != MAP_FAILED);
  CHECK(mprotect(pages + 4096, 4096, PROT_NONE) == 0);
  int bad_edge = 0;
  for (int len = 0; len < 64; len++) {
    char* s = pages + 4096 - 1 - len;
    memset(s, 'q', (size_t)len);
    s[len] = 0;
    bad_edge += strlen(s) != (size_t)len;
    bad_edge += strchr(s, 'z') != NULL;
    bad_edge += strrchr(s, 'q') != (len ? s + len - 1 : NULL);
    bad_edge += memchr(s, 'q', (size_t)len + 1) != (len ? s : NULL);
    char copy[80];
    strcpy(copy, s);
    bad_edge += strcmp(copy, s) != 0;
  }
  printf("page-edge strings: %d bad\n", bad_edge);
  CHECK_EQ(bad_edge, 0);
  return GuestFinish();
}
