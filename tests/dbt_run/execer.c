// A guest that execs guest programs (tests/dbt_run/guest_exec_test.sh):
//   execer chain N        prints its pid, argv[0] and $STEP, then execs
//                         itself as "link-N" with N-1 (STEP=N-1); at 0 it
//                         exits 7
//   execer script DIR     writes DIR/s.sh, "#!<itself> from-script", and
//                         execs it with two arguments
//   execer args A...      prints its arguments (the script's interpreter)
//   execer bad DIR        writes DIR/bad, a RISC-V ELF header with no
//                         program headers, and execs it: prints the errno
//   execer forkexec       a child execs "chain 1"; prints its exit status
//   execer identity FILE  writes "pid ppid pgid sid" to FILE, then waits for
//                         SIGTERM and exits 42
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

static const char* Self(void) {
  static char path[4096];
  ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
  if (n <= 0) return "?";
  path[n] = '\0';
  return path;
}

static int Chain(int n, char** argv) {
  const char* step = getenv("STEP");
  printf("pid %d argv0 %s step %s n %d\n", (int)getpid(), argv[0], step ? step : "-", n);
  fflush(stdout);
  if (n == 0) return 7;
  char next[16], name[32], env_step[32];
  snprintf(next, sizeof next, "%d", n - 1);
  snprintf(name, sizeof name, "link-%d", n);
  snprintf(env_step, sizeof env_step, "STEP=%d", n - 1);
  char* args[] = {name, "chain", next, NULL};
  char* env[] = {env_step, "PATH=/usr/bin:/bin", NULL};
  execve(Self(), args, env);
  printf("execve failed: %s\n", strerror(errno));
  return 1;
}

static volatile sig_atomic_t g_terminated = 0;
static void OnTerm(int sig) { g_terminated = sig; }

int main(int argc, char** argv) {
  if (argc >= 3 && strcmp(argv[1], "identity") == 0) {
    signal(SIGTERM, OnTerm);
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", argv[2]);
    FILE* f = fopen(tmp, "w");
    fprintf(f, "%d %d %d %d\n", (int)getpid(), (int)getppid(), (int)getpgid(0), (int)getsid(0));
    fclose(f);
    rename(tmp, argv[2]);
    while (!g_terminated) pause();
    return 42;
  }
  if (argc >= 3 && strcmp(argv[1], "chain") == 0) return Chain(atoi(argv[2]), argv);
  if (argc >= 2 && strcmp(argv[1], "args") == 0) {
    for (int i = 0; i < argc; ++i) printf("arg %d: %s\n", i, i == 0 ? "(self)" : argv[i]);
    return 0;
  }
  if (argc >= 3 && strcmp(argv[1], "script") == 0) {
    char path[4096];
    snprintf(path, sizeof path, "%s/s.sh", argv[2]);
    FILE* f = fopen(path, "w");
    fprintf(f, "#!%s args\n", Self());
    fclose(f);
    chmod(path, 0755);
    char* args[] = {path, "first", "second", NULL};
    execve(path, args, environ);
    printf("script execve failed: %s\n", strerror(errno));
    return 1;
  }
  if (argc >= 3 && strcmp(argv[1], "bad") == 0) {
    char path[4096];
    snprintf(path, sizeof path, "%s/bad", argv[2]);
    unsigned char h[64] = {0x7f, 'E', 'L', 'F', 2, 1, 1};
    h[16] = 2;    // ET_EXEC
    h[18] = 243;  // EM_RISCV
    h[20] = 1;    // EV_CURRENT
    h[52] = 64;   // e_ehsize; e_phentsize 0 and e_phnum 0: malformed
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    if (write(fd, h, sizeof h) != sizeof h) return 1;
    close(fd);
    char* args[] = {path, NULL};
    execve(path, args, environ);
    printf("bad ELF: %s\n", strerror(errno));
    return 0;
  }
  if (argc >= 2 && strcmp(argv[1], "forkexec") == 0) {
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
      char* args[] = {"child", "chain", "1", NULL};
      execve(Self(), args, environ);
      _exit(99);
    }
    int status = 0;
    waitpid(child, &status, 0);
    printf("child exited %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return 0;
  }
  fprintf(stderr, "usage: execer chain N | script DIR | args ... | bad DIR | forkexec\n");
  return 2;
}
