// qsort and bsearch: integers (with duplicates and negative values), 64-bit keys,
// strings and structs with a two-level comparator, then bsearch hits and misses.
// Sortedness and permutation (same multiset) are checked directly.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guest_check.h"

static int CompareInt(const void* a, const void* b) {
  int x = *(const int*)a, y = *(const int*)b;
  return (x > y) - (x < y);
}

static int CompareU64Descending(const void* a, const void* b) {
  uint64_t x = *(const uint64_t*)a, y = *(const uint64_t*)b;
  return (x < y) - (x > y);
}

static int CompareStr(const void* a, const void* b) {
  return strcmp(*(char* const*)a, *(char* const*)b);
}

struct Record {
  int group;
  double weight;
  char name[12];
};

static int CompareRecord(const void* a, const void* b) {
  const struct Record* x = a;
  const struct Record* y = b;
  if (x->group != y->group) return x->group < y->group ? -1 : 1;
  if (x->weight != y->weight) return x->weight < y->weight ? -1 : 1;
  return strcmp(x->name, y->name);
}

enum { kInts = 100000, kKeys = 20000, kStrings = 5000, kRecords = 3000 };
static int ints[kInts];
static uint64_t keys[kKeys];
static char string_storage[kStrings][16];
static char* strings[kStrings];
static struct Record records[kRecords];

int main(void) {
  uint64_t rng = 2024;
  int64_t sum_before = 0, sum_after = 0;
  for (int i = 0; i < kInts; i++) {
    ints[i] = (int)(NextRandom(&rng) % 200001) - 100000;
    sum_before += ints[i];
  }
  qsort(ints, kInts, sizeof ints[0], CompareInt);
  int sorted = 1;
  for (int i = 0; i < kInts; i++) {
    sum_after += ints[i];
    if (i > 0 && ints[i - 1] > ints[i]) sorted = 0;
  }
  CHECK(sorted);
  CHECK_EQ(sum_after, sum_before);
  printf("ints: min %d max %d median %d hash %016llx\n", ints[0], ints[kInts - 1], ints[kInts / 2],
         (unsigned long long)Fnv1a(FNV_INIT, ints, sizeof ints));

  int hits = 0, misses = 0;
  for (int probe = -100010; probe <= 100010; probe += 7) {
    int* found = bsearch(&probe, ints, kInts, sizeof ints[0], CompareInt);
    if (found) {
      CHECK_EQ(*found, probe);
      hits++;
    } else {
      misses++;
    }
  }
  printf("bsearch ints: %d hits, %d misses\n", hits, misses);

  for (int i = 0; i < kKeys; i++) keys[i] = NextRandom(&rng);
  qsort(keys, kKeys, sizeof keys[0], CompareU64Descending);
  sorted = 1;
  for (int i = 1; i < kKeys; i++) sorted &= keys[i - 1] >= keys[i];
  CHECK(sorted);
  uint64_t probe_key = keys[1234];
  uint64_t* found_key = bsearch(&probe_key, keys, kKeys, sizeof keys[0], CompareU64Descending);
  CHECK(found_key != NULL && *found_key == probe_key);
  printf("u64 keys: first %016llx last %016llx\n", (unsigned long long)keys[0],
         (unsigned long long)keys[kKeys - 1]);

  for (int i = 0; i < kStrings; i++) {
    uint64_t r = NextRandom(&rng);
    int len = 1 + (int)(r % 12);
    for (int j = 0; j < len; j++) string_storage[i][j] = (char)('a' + (r >> (j * 5)) % 26);
    string_storage[i][len] = 0;
    strings[i] = string_storage[i];
  }
  qsort(strings, kStrings, sizeof strings[0], CompareStr);
  sorted = 1;
  for (int i = 1; i < kStrings; i++) sorted &= strcmp(strings[i - 1], strings[i]) <= 0;
  CHECK(sorted);
  char* needle = strings[777];
  char** found_str = bsearch(&needle, strings, kStrings, sizeof strings[0], CompareStr);
  CHECK(found_str != NULL && strcmp(*found_str, needle) == 0);
  char* absent = "zzzzzzzzzzzzz";  // 13 letters: longer than any generated string
  CHECK(bsearch(&absent, strings, kStrings, sizeof strings[0], CompareStr) == NULL);
  printf("strings: first %s last %s\n", strings[0], strings[kStrings - 1]);

  for (int i = 0; i < kRecords; i++) {
    uint64_t r = NextRandom(&rng);
    records[i].group = (int)(r % 10);
    records[i].weight = (double)((r >> 8) % 1000) / 8.0;
    snprintf(records[i].name, sizeof records[i].name, "r%05d", i);
  }
  qsort(records, kRecords, sizeof records[0], CompareRecord);
  sorted = 1;
  for (int i = 1; i < kRecords; i++) sorted &= CompareRecord(&records[i - 1], &records[i]) <= 0;
  CHECK(sorted);
  printf("records: first %d/%g/%s last %d/%g/%s\n", records[0].group, records[0].weight,
         records[0].name, records[kRecords - 1].group, records[kRecords - 1].weight,
         records[kRecords - 1].name);

  // Edge cases: empty and single-element arrays.
  qsort(ints, 0, sizeof ints[0], CompareInt);
  qsort(ints, 1, sizeof ints[0], CompareInt);
  int one = 5;
  CHECK(bsearch(&one, ints, 0, sizeof ints[0], CompareInt) == NULL);
  return GuestFinish();
}
