// malloc-heavy code: many sizes (brk and mmap paths of glibc's allocator), calloc,
// realloc growing and shrinking, free in FIFO/LIFO/shuffled order, aligned
// allocation, and a linked structure (a binary search tree plus a list) built from
// many small nodes. Every block is filled with a pattern derived from its index
// and verified before it is freed, so a lost or corrupted store shows up as a
// failed check rather than as a different checksum only.
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "guest_check.h"

static unsigned char Pattern(size_t block, size_t i) {
  return (unsigned char)(block * 131 + i * 7 + 1);
}

static void Fill(unsigned char* p, size_t n, size_t block) {
  for (size_t i = 0; i < n; i++) p[i] = Pattern(block, i);
}

static int Verify(const unsigned char* p, size_t n, size_t block) {
  for (size_t i = 0; i < n; i++) {
    if (p[i] != Pattern(block, i)) return 0;
  }
  return 1;
}

enum { kBlocks = 1500 };
static unsigned char* blocks[kBlocks];
static size_t sizes[kBlocks];

static size_t SizeFor(uint64_t r) {
  switch (r % 8) {
    case 0:
      return r % 16;  // tiny, including 0
    case 1:
    case 2:
      return 16 + r % 240;  // small bins
    case 3:
    case 4:
      return 256 + r % 4000;  // larger bins
    case 5:
      return 4096 + r % 60000;  // big, still brk
    case 6:
      return 1 + r % 100;
    default:
      return (r % 64 == 7) ? 140000 + r % 200000 : 24;  // mmap threshold
  }
}

static void AllocAll(uint64_t* rng) {
  for (size_t b = 0; b < kBlocks; b++) {
    sizes[b] = SizeFor(NextRandom(rng));
    blocks[b] = malloc(sizes[b]);
    CHECK(blocks[b] != NULL || sizes[b] == 0);
    CHECK(((uintptr_t)blocks[b] & 15) == 0);  // glibc: 2*sizeof(size_t) alignment
    Fill(blocks[b], sizes[b], b);
  }
}

static int VerifyAndFree(size_t b) {
  int ok = Verify(blocks[b], sizes[b], b);
  free(blocks[b]);
  blocks[b] = NULL;
  return ok;
}

struct TreeNode {
  long key;
  struct TreeNode* left;
  struct TreeNode* right;
  struct TreeNode* next;  // insertion-order list through the same nodes
  char payload[24];
};

static struct TreeNode* Insert(struct TreeNode** root, long key) {
  while (*root) {
    if (key == (*root)->key) return NULL;
    root = key < (*root)->key ? &(*root)->left : &(*root)->right;
  }
  struct TreeNode* n = calloc(1, sizeof *n);
  n->key = key;
  snprintf(n->payload, sizeof n->payload, "k%ld", key);
  *root = n;
  return n;
}

static void InOrder(const struct TreeNode* n, uint64_t* hash, long* prev, int* sorted,
                    long* count) {
  if (!n) return;
  InOrder(n->left, hash, prev, sorted, count);
  if (*count > 0 && n->key <= *prev) *sorted = 0;
  *prev = n->key;
  (*count)++;
  *hash = Fnv1a(*hash, &n->key, sizeof n->key);
  *hash = Fnv1a(*hash, n->payload, strlen(n->payload));
  InOrder(n->right, hash, prev, sorted, count);
}

static int Depth(const struct TreeNode* n) {
  if (!n) return 0;
  int l = Depth(n->left), r = Depth(n->right);
  return 1 + (l > r ? l : r);
}

int main(void) {
  uint64_t rng = 12345;
  int bad = 0;

  // Pattern 1: free in allocation order (FIFO).
  AllocAll(&rng);
  for (size_t b = 0; b < kBlocks; b++) bad += !VerifyAndFree(b);
  printf("fifo: %d corrupted\n", bad);

  // Pattern 2: free in reverse order (LIFO).
  AllocAll(&rng);
  for (size_t b = kBlocks; b-- > 0;) bad += !VerifyAndFree(b);
  printf("lifo: %d corrupted\n", bad);

  // Pattern 3: shuffled frees interleaved with new allocations and reallocs.
  AllocAll(&rng);
  for (int round = 0; round < 6000; round++) {
    size_t b = NextRandom(&rng) % kBlocks;
    uint64_t what = NextRandom(&rng) % 3;
    if (what == 0) {
      bad += !VerifyAndFree(b);
      sizes[b] = SizeFor(NextRandom(&rng));
      blocks[b] = malloc(sizes[b]);
      Fill(blocks[b], sizes[b], b);
    } else {
      // realloc keeps min(old, new) bytes; refill the whole new block afterwards.
      size_t new_size = what == 1 ? sizes[b] * 2 + 1 : sizes[b] / 3;
      unsigned char* p = realloc(blocks[b], new_size);
      size_t keep = new_size < sizes[b] ? new_size : sizes[b];
      if (new_size != 0) {
        CHECK(p != NULL);
        bad += !Verify(p, keep, b);
        blocks[b] = p;
        sizes[b] = new_size;
        Fill(p, new_size, b);
      } else {
        // realloc(p, 0) frees p and returns NULL in glibc.
        blocks[b] = p;
        sizes[b] = 0;
      }
    }
  }
  for (size_t b = 0; b < kBlocks; b++) bad += !VerifyAndFree(b);
  printf("shuffled: %d corrupted\n", bad);
  CHECK(bad == 0);

  // calloc zeroes, also when it reuses a dirty block.
  unsigned char* dirty = malloc(5000);
  memset(dirty, 0xab, 5000);
  free(dirty);
  unsigned char* zeroed = calloc(1000, 5);
  int nonzero = 0;
  for (int i = 0; i < 5000; i++) nonzero += zeroed[i] != 0;
  CHECK_EQ(nonzero, 0);
  free(zeroed);
  volatile size_t huge_count = (size_t)1 << 62;
  CHECK(calloc(huge_count, 16) == NULL);  // overflow must fail, not wrap
  CHECK(malloc((size_t)-1 / 2) == NULL);

  // Aligned allocations.
  for (size_t align = 16; align <= 65536; align *= 4) {
    void* p = NULL;
    CHECK_EQ(posix_memalign(&p, align, 100 + align), 0);
    CHECK(((uintptr_t)p & (align - 1)) == 0);
    memset(p, 1, 100 + align);
    void* q = aligned_alloc(align, align * 2);
    CHECK(((uintptr_t)q & (align - 1)) == 0);
    CHECK(malloc_usable_size(q) >= align * 2);
    free(p);
    free(q);
  }

  // A large block straight from mmap, grown by realloc (mremap path).
  size_t big = 2 << 20;
  unsigned char* huge = malloc(big);
  Fill(huge, big, 77);
  huge = realloc(huge, big * 3);
  CHECK(Verify(huge, big, 77));
  free(huge);

  // brk: the program break moves and the new memory is usable.
  char* brk0 = sbrk(0);
  char* got = sbrk(1 << 16);
  CHECK(got == brk0);
  CHECK((char*)sbrk(0) == brk0 + (1 << 16));
  memset(got, 0x5a, 1 << 16);
  CHECK(sbrk(-(1 << 16)) != (void*)-1);

  // A linked structure: 50000 random keys in a tree, chained in a list.
  struct TreeNode* root = NULL;
  struct TreeNode* head = NULL;
  struct TreeNode** tail = &head;
  long inserted = 0;
  for (int i = 0; i < 50000; i++) {
    struct TreeNode* n = Insert(&root, (long)(NextRandom(&rng) % 1000000));
    if (n) {
      *tail = n;
      tail = &n->next;
      inserted++;
    }
  }
  uint64_t hash = FNV_INIT;
  long prev = 0, count = 0;
  int sorted = 1;
  InOrder(root, &hash, &prev, &sorted, &count);
  CHECK(sorted);
  CHECK_EQ(count, inserted);
  long list_len = 0;
  for (struct TreeNode* n = head; n; n = n->next) list_len++;
  CHECK_EQ(list_len, inserted);
  printf("tree: %ld nodes, depth %d, hash %016llx\n", inserted, Depth(root),
         (unsigned long long)hash);
  for (struct TreeNode* n = head; n;) {
    struct TreeNode* next = n->next;
    free(n);
    n = next;
  }
  return GuestFinish();
}
