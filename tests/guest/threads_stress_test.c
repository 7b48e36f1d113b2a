// Threads under load (clone/futex/exit/exit_group and the JIT shared by threads):
//   stress (default): 8 workers making many indirect calls through a function table
//     while a mapper thread maps, fills, runs and unmaps small generated functions
//     (each with a different constant at a recycled address: a stale translation
//     would return the old constant) and mmaps/munmaps data, short-lived threads are
//     created and exit all along, one thread stays blocked in a condition wait and
//     one spins in a loop when main returns (exit_group must stop both).
//   leader_exit: main calls pthread_exit; the last worker ends the process (status 0).
//   exit_in_thread: a worker calls exit(7) while main waits in pthread_join.
//   signals: pthread_kill reaches the chosen thread; a signal sent to the process
//     while every thread but one blocks it is handled by that one.
//   abort_in_thread: abort() in a worker kills the whole process (SIGABRT).
//   fork_in_thread: a worker forks; the child (whose only thread is that worker's
//     copy) starts and joins a thread of its own and exits with 5.
// Every printed value is exact whatever the interleaving.
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guest_check.h"

enum { kWorkers = 8, kCalls = 200000, kMapRounds = 300, kShortThreads = 64 };

// --- Indirect calls: a table of small functions, picked by a pseudo-random walk.
static uint64_t Op0(uint64_t x) { return x * 3 + 1; }
static uint64_t Op1(uint64_t x) { return x ^ (x >> 7); }
static uint64_t Op2(uint64_t x) { return x + 0x9e3779b97f4a7c15ull; }
static uint64_t Op3(uint64_t x) { return (x << 5) | (x >> 59); }
static uint64_t Op4(uint64_t x) { return x * 0xff51afd7ed558ccdull; }
static uint64_t Op5(uint64_t x) { return ~x + 17; }
static uint64_t Op6(uint64_t x) { return x - (x >> 3); }
static uint64_t Op7(uint64_t x) { return x ^ 0x5555aaaa5555aaaaull; }
static uint64_t (*const kOps[8])(uint64_t) = {Op0, Op1, Op2, Op3, Op4, Op5, Op6, Op7};

static uint64_t Walk(uint64_t seed, int calls) {
  uint64_t x = seed;
  for (int i = 0; i < calls; i++) x = kOps[(x >> 13) & 7](x);
  return x;
}

static uint64_t results[kWorkers];

static void* Worker(void* arg) {
  long id = (long)arg;
  results[id] = Walk((uint64_t)id + 1, kCalls);
  return NULL;
}

// --- The mapper: generated code at recycled addresses, and data mappings.
// li a0, imm (addi a0, zero, imm); ret.
static void WriteReturnConst(uint32_t* code, int imm) {
  code[0] = ((uint32_t)(imm & 0xfff) << 20) | (10u << 7) | 0x13;  // addi a0, x0, imm
  code[1] = 0x00008067;                                            // jalr x0, 0(ra)
}

static long mapper_sum;
static int mapper_failures;

static void* Mapper(void* arg) {
  (void)arg;
  for (int i = 0; i < kMapRounds; i++) {
    int imm = (i * 37) % 2000;
    uint32_t* code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(code != MAP_FAILED);
    WriteReturnConst(code, imm);
    __asm__ volatile("fence.i" ::: "memory");
    long got = ((long (*)(void))code)();
    if (got != imm) mapper_failures++;
    mapper_sum += got;
    CHECK(munmap(code, 4096) == 0);
    char* data = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(data != MAP_FAILED);
    memset(data, i & 0xff, 3 * 4096);
    CHECK(mprotect(data + 4096, 4096, PROT_READ) == 0);
    CHECK(munmap(data, 3 * 4096) == 0);
  }
  return NULL;
}

// --- Short-lived threads: each adds its id to a total and exits.
static _Atomic long short_total;

static void* ShortLived(void* arg) {
  atomic_fetch_add(&short_total, (long)arg + (long)(Walk((uint64_t)arg, 100) & 1));
  if ((long)arg % 2) pthread_exit((void*)arg);  // Both ways out.
  return arg;
}

// --- Threads still busy when main returns.
static pthread_mutex_t never_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never_cond = PTHREAD_COND_INITIALIZER;
static _Atomic int blocked_ready, spinner_ready;

static void* BlockedForever(void* arg) {
  (void)arg;
  pthread_mutex_lock(&never_mutex);
  atomic_store(&blocked_ready, 1);
  for (;;) pthread_cond_wait(&never_cond, &never_mutex);
  return NULL;
}

static void* SpinForever(void* arg) {
  (void)arg;
  atomic_store(&spinner_ready, 1);
  volatile uint64_t x = 1;
  for (;;) x = Walk(x, 1000);
  return NULL;
}

static int Stress(void) {
  pthread_t blocked, spinner;
  CHECK(pthread_create(&blocked, NULL, BlockedForever, NULL) == 0);
  CHECK(pthread_create(&spinner, NULL, SpinForever, NULL) == 0);
  pthread_t workers[kWorkers], mapper;
  for (long i = 0; i < kWorkers; i++) CHECK(pthread_create(&workers[i], NULL, Worker, (void*)i) == 0);
  CHECK(pthread_create(&mapper, NULL, Mapper, NULL) == 0);
  long joined_short = 0;
  for (long i = 0; i < kShortThreads; i += 4) {
    pthread_t t[4];
    for (long j = 0; j < 4; j++) CHECK(pthread_create(&t[j], NULL, ShortLived, (void*)(i + j)) == 0);
    for (long j = 0; j < 4; j++) {
      void* ret;
      CHECK(pthread_join(t[j], &ret) == 0);
      joined_short += (long)ret;
    }
  }
  for (int i = 0; i < kWorkers; i++) CHECK(pthread_join(workers[i], NULL) == 0);
  CHECK(pthread_join(mapper, NULL) == 0);
  for (int i = 0; i < kWorkers; i++) {
    CHECK_EQ(results[i], Walk((uint64_t)i + 1, kCalls));  // Same walk, one thread.
    printf("worker %d: %016llx\n", i, (unsigned long long)results[i]);
  }
  long expect_map = 0;
  for (int i = 0; i < kMapRounds; i++) expect_map += (i * 37) % 2000;
  printf("mapper: sum %ld (expected %ld), stale code runs %d\n", mapper_sum, expect_map,
         mapper_failures);
  CHECK_EQ(mapper_sum, expect_map);
  CHECK_EQ(mapper_failures, 0);
  long expect_short = 0;
  for (long i = 0; i < kShortThreads; i++) expect_short += i + (long)(Walk((uint64_t)i, 100) & 1);
  printf("short-lived threads: total %ld (expected %ld), joined %ld\n", (long)short_total,
         expect_short, joined_short);
  CHECK_EQ(short_total, expect_short);
  CHECK_EQ(joined_short, (long)kShortThreads * (kShortThreads - 1) / 2);
  while (!atomic_load(&blocked_ready) || !atomic_load(&spinner_ready)) sched_yield();
  // Returning ends the process with the two threads still in there.
  return GuestFinish();
}

// --- leader_exit
static void* LastOne(void* arg) {
  (void)arg;
  usleep(20000);
  printf("last thread done (main left first)\n");
  fflush(stdout);
  return NULL;
}

static int LeaderExit(void) {
  pthread_t t;
  CHECK(pthread_create(&t, NULL, LastOne, NULL) == 0);
  printf("main leaves with pthread_exit\n");
  fflush(stdout);
  pthread_exit(NULL);
}

// --- exit_in_thread
static void* Exiter(void* arg) {
  (void)arg;
  usleep(20000);
  printf("worker calls exit(7)\n");
  exit(7);
}

static int ExitInThread(void) {
  pthread_t t;
  CHECK(pthread_create(&t, NULL, Exiter, NULL) == 0);
  pthread_join(t, NULL);
  printf("not reached\n");
  return 1;
}

// --- signals
static _Atomic pid_t usr1_tid, usr2_tid;

static void OnUsr1(int sig) { atomic_store(&usr1_tid, (pid_t)syscall(SYS_gettid)); }
static void OnUsr2(int sig) { atomic_store(&usr2_tid, (pid_t)syscall(SYS_gettid)); }

static _Atomic pid_t target_tid;
static _Atomic int target_done;

static void* SignalTarget(void* arg) {
  (void)arg;
  // This thread alone leaves SIGUSR2 unblocked.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR2);
  CHECK(pthread_sigmask(SIG_UNBLOCK, &set, NULL) == 0);
  atomic_store(&target_tid, (pid_t)syscall(SYS_gettid));
  while (!atomic_load(&usr1_tid) || !atomic_load(&usr2_tid)) usleep(1000);
  atomic_store(&target_done, 1);
  return NULL;
}

static int Signals(void) {
  signal(SIGUSR1, OnUsr1);
  signal(SIGUSR2, OnUsr2);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR2);
  CHECK(pthread_sigmask(SIG_BLOCK, &set, NULL) == 0);  // Inherited by the thread.
  pthread_t t;
  CHECK(pthread_create(&t, NULL, SignalTarget, NULL) == 0);
  while (!atomic_load(&target_tid)) usleep(1000);
  CHECK(pthread_kill(t, SIGUSR1) == 0);
  CHECK(kill(getpid(), SIGUSR2) == 0);  // Only the target can take it.
  CHECK(pthread_join(t, NULL) == 0);
  pid_t target = atomic_load(&target_tid);
  printf("SIGUSR1 (pthread_kill) handled by the target: %d\n", atomic_load(&usr1_tid) == target);
  printf("SIGUSR2 (kill, blocked elsewhere) handled by the target: %d\n",
         atomic_load(&usr2_tid) == target);
  CHECK(atomic_load(&usr1_tid) == target);
  CHECK(atomic_load(&usr2_tid) == target);
  return GuestFinish();
}

// --- abort_in_thread
static void* Aborter(void* arg) {
  (void)arg;
  printf("worker aborts\n");
  fflush(stdout);
  abort();
}

static int AbortInThread(void) {
  pthread_t t;
  CHECK(pthread_create(&t, NULL, Aborter, NULL) == 0);
  pthread_join(t, NULL);
  printf("not reached\n");
  return 1;
}

// --- fork_in_thread
static void* ChildThread(void* arg) { return (void*)((long)arg * 2); }

static void* Forker(void* arg) {
  (void)arg;
  fflush(stdout);
  pid_t pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    pthread_t t;
    void* ret;
    CHECK(pthread_create(&t, NULL, ChildThread, (void*)21) == 0);
    CHECK(pthread_join(t, &ret) == 0);
    printf("child: its thread returned %ld\n", (long)ret);
    fflush(stdout);
    _exit(5);
  }
  int status = 0;
  CHECK(waitpid(pid, &status, 0) == pid);
  printf("parent thread: child exited %d with %d\n", WIFEXITED(status), WEXITSTATUS(status));
  return NULL;
}

static int ForkInThread(void) {
  pthread_t t;
  CHECK(pthread_create(&t, NULL, Forker, NULL) == 0);
  CHECK(pthread_join(t, NULL) == 0);
  return GuestFinish();
}

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "stress";
  if (strcmp(mode, "stress") == 0) return Stress();
  if (strcmp(mode, "leader_exit") == 0) return LeaderExit();
  if (strcmp(mode, "exit_in_thread") == 0) return ExitInThread();
  if (strcmp(mode, "signals") == 0) return Signals();
  if (strcmp(mode, "abort_in_thread") == 0) return AbortInThread();
  if (strcmp(mode, "fork_in_thread") == 0) return ForkInThread();
  fprintf(stderr, "unknown mode %s\n", mode);
  return 2;
}
