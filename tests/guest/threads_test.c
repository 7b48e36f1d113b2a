// Threads (clone with CLONE_THREAD/SETTLS/CHILD_CLEARTID through pthreads): four
// workers incrementing a C11 atomic counter, an amoadd-based counter and a
// mutex-protected counter; thread-local storage (__thread, each thread sees its
// own copy via tp); a condition-variable handshake; return values through
// pthread_join; distinct gettid values. The totals are exact whatever the
// interleaving, so the output is deterministic.
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "guest_check.h"

enum { kThreads = 4, kIterations = 100000 };

static _Atomic long atomic_counter;
static long amo_counter;
static long mutex_counter;
static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static __thread long tls_value = 7;
static pid_t tids[kThreads];

static pthread_mutex_t turn_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t turn_cond = PTHREAD_COND_INITIALIZER;
static int turn;
static int order[kThreads];
static int order_len;

static void* Worker(void* arg) {
  long id = (long)arg;
  tids[id] = (pid_t)syscall(SYS_gettid);
  tls_value = id * 1000;
  for (int i = 0; i < kIterations; i++) {
    atomic_fetch_add_explicit(&atomic_counter, 1, memory_order_relaxed);
    __atomic_fetch_add(&amo_counter, 2, __ATOMIC_SEQ_CST);
    if (i % 16 == 0) {
      pthread_mutex_lock(&mutex);
      mutex_counter += 3;
      pthread_mutex_unlock(&mutex);
    }
  }
  // Take turns in id order through a condition variable.
  pthread_mutex_lock(&turn_mutex);
  while (turn != id) pthread_cond_wait(&turn_cond, &turn_mutex);
  order[order_len++] = (int)id;
  turn++;
  pthread_cond_broadcast(&turn_cond);
  pthread_mutex_unlock(&turn_mutex);
  CHECK_EQ(tls_value, id * 1000);  // nobody else wrote this thread's copy
  return (void*)(id * id + tls_value);
}

int main(void) {
  pthread_t threads[kThreads];
  for (long i = 0; i < kThreads; i++) {
    CHECK(pthread_create(&threads[i], NULL, Worker, (void*)i) == 0);
  }
  long joined = 0;
  for (int i = 0; i < kThreads; i++) {
    void* ret;
    CHECK(pthread_join(threads[i], &ret) == 0);
    joined += (long)ret;
  }
  printf("atomic %ld amo %ld mutex %ld joined %ld main tls %ld\n", (long)atomic_counter,
         amo_counter, mutex_counter, joined, tls_value);
  CHECK_EQ(atomic_counter, (long)kThreads * kIterations);
  CHECK_EQ(amo_counter, 2L * kThreads * kIterations);
  CHECK_EQ(mutex_counter, 3L * kThreads * (kIterations / 16));
  CHECK_EQ(joined, (0 + 1 + 4 + 9) + (0 + 1000 + 2000 + 3000));
  CHECK_EQ(tls_value, 7);
  printf("turn order:");
  for (int i = 0; i < order_len; i++) printf(" %d", order[i]);
  printf("\n");
  pid_t main_tid = (pid_t)syscall(SYS_gettid);
  int distinct = 1;
  for (int i = 0; i < kThreads; i++) {
    if (tids[i] == main_tid || tids[i] <= 0) distinct = 0;
    for (int j = 0; j < i; j++) distinct &= tids[i] != tids[j];
  }
  printf("thread ids distinct from each other and from main: %d\n", distinct);
  CHECK(distinct);
  return GuestFinish();
}
