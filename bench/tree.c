// Pointer chasing and allocation: binary trees built and torn down with malloc and
// free (as in the Benchmarks Game's binary-trees), plus a shuffled singly linked
// list walked repeatedly (each load depends on the previous one).
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct Node {
  struct Node* left;
  struct Node* right;
};

static struct Node* Build(int depth) {
  struct Node* n = malloc(sizeof *n);
  if (depth > 0) {
    n->left = Build(depth - 1);
    n->right = Build(depth - 1);
  } else {
    n->left = n->right = NULL;
  }
  return n;
}

static long Check(const struct Node* n) {
  return n->left ? 1 + Check(n->left) + Check(n->right) : 1;
}

static void Free(struct Node* n) {
  if (n->left) {
    Free(n->left);
    Free(n->right);
  }
  free(n);
}

struct Link {
  struct Link* next;
  long value;
};

int main(int argc, char** argv) {
  int max_depth = argc > 1 ? atoi(argv[1]) : 16;
  long total = 0;
  struct Node* long_lived = Build(max_depth);
  for (int depth = 4; depth <= max_depth; depth += 2) {
    long iterations = 1L << (max_depth - depth + 4);
    long check = 0;
    for (long i = 0; i < iterations; i++) {
      struct Node* t = Build(depth);
      check += Check(t);
      Free(t);
    }
    printf("%ld trees of depth %d check %ld\n", iterations, depth, check);
    total += check;
  }
  total += Check(long_lived);
  Free(long_lived);

  // A linked list in shuffled memory order.
  long n = 1L << 18;
  struct Link* links = malloc(sizeof(struct Link) * (size_t)n);
  long* perm = malloc(sizeof(long) * (size_t)n);
  for (long i = 0; i < n; i++) perm[i] = i;
  uint32_t x = 7;
  for (long i = n - 1; i > 0; i--) {
    x = x * 1664525u + 1013904223u;
    long j = (long)(x % (uint32_t)(i + 1));
    long t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  for (long i = 0; i < n; i++) {
    links[perm[i]].next = i + 1 < n ? &links[perm[i + 1]] : &links[perm[0]];
    links[perm[i]].value = i;
  }
  long walk = 0;
  const struct Link* p = &links[perm[0]];
  for (long step = 0; step < 8 * n; step++) {
    walk += p->value;
    p = p->next;
  }
  printf("total check %ld, list walk %ld\n", total, walk);
  free(links);
  free(perm);
  return 0;
}
