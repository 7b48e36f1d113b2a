// String processing: builds lines of words, then repeatedly tokenizes them
// (strchr/strlen), copies (memcpy/strcpy), compares (strcmp/memcmp) and counts
// word frequencies in a small open-addressing hash table keyed by strings.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { kTableSize = 4096 };
static char* keys[kTableSize];
static long counts[kTableSize];

static uint32_t Hash(const char* s, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
  return h;
}

static void Count(const char* word, size_t n) {
  uint32_t h = Hash(word, n) & (kTableSize - 1);
  while (keys[h]) {
    if (strlen(keys[h]) == n && memcmp(keys[h], word, n) == 0) {
      counts[h]++;
      return;
    }
    h = (h + 1) & (kTableSize - 1);
  }
  keys[h] = malloc(n + 1);
  memcpy(keys[h], word, n);
  keys[h][n] = 0;
  counts[h] = 1;
}

int main(int argc, char** argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 400;
  static const char* const kWords[] = {"translation", "block",    "guest",    "host",    "register",
                                       "allocator",   "liveness", "constant", "folding", "chaining",
                                       "dispatcher",  "syscall",  "signal",   "page",    "cache",
                                       "persistent",  "shared",   "memory",   "ring",    "executor",
                                       "a",           "of",       "the",      "to"};
  enum { kNumWords = sizeof kWords / sizeof kWords[0], kLines = 2000 };
  char** lines = malloc(sizeof(char*) * kLines);
  uint32_t x = 99;
  for (int i = 0; i < kLines; i++) {
    char buf[512];
    buf[0] = 0;
    size_t len = 0;
    int words = 5 + i % 20;
    for (int w = 0; w < words; w++) {
      x = x * 1103515245u + 12345u;
      const char* word = kWords[(x >> 16) % kNumWords];
      size_t wl = strlen(word);
      memcpy(buf + len, word, wl);
      len += wl;
      buf[len++] = w + 1 < words ? ' ' : 0;
    }
    lines[i] = strdup(buf);
  }
  uint64_t checksum = 0;
  long total_words = 0;
  for (int r = 0; r < rounds; r++) {
    for (int i = 0; i < kLines; i++) {
      char copy[512];
      strcpy(copy, lines[i]);
      const char* p = copy;
      for (;;) {
        const char* space = strchr(p, ' ');
        size_t n = space ? (size_t)(space - p) : strlen(p);
        Count(p, n);
        total_words++;
        if (!space) break;
        p = space + 1;
      }
      int j = (i * 7 + r) % kLines;
      checksum = checksum * 31 + (uint64_t)(strcmp(lines[i], lines[j]) > 0) + strlen(lines[j]);
    }
  }
  long distinct = 0, max_count = 0;
  for (int i = 0; i < kTableSize; i++) {
    if (keys[i]) {
      distinct++;
      if (counts[i] > max_count) max_count = counts[i];
      free(keys[i]);
    }
  }
  printf("words %ld distinct %ld max %ld checksum %016llx\n", total_words, distinct, max_count,
         (unsigned long long)checksum);
  for (int i = 0; i < kLines; i++) free(lines[i]);
  free(lines);
  return 0;
}
