// Stand-in for the dbt client with qemu-riscv64 behind it: `qemu_runner run PROG
// ARGS...` behaves like `dbt run PROG ARGS...`. Selected by --define
// guest_runner=qemu, it checks the harness itself and the determinism of the guest
// programs. A C program rather than a shell script: a shell would add PWD, SHLVL
// and _ to the environment the guest sees.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc < 3 || strcmp(argv[1], "run") != 0) {
    fprintf(stderr, "usage: %s run PROG [ARGS...]\n", argv[0]);
    return 2;
  }
  static char qemu[] = "/usr/bin/qemu-riscv64";
  // As compare.sh runs the reference: with the cross sysroot (-L) for
  // dynamically linked guests, as dbt uses it by default.
  static char dash_l[] = "-L";
  static char sysroot[] = "/usr/riscv64-linux-gnu";
  char** args = calloc((size_t)argc + 3, sizeof(char*));
  if (args == NULL) return 127;
  int n = 0;
  args[n++] = qemu;
  if (access(sysroot, F_OK) == 0) {
    args[n++] = dash_l;
    args[n++] = sysroot;
  }
  for (int i = 2; i < argc; ++i) args[n++] = argv[i];
  args[n] = NULL;
  execv(qemu, args);
  perror("qemu_runner: execv /usr/bin/qemu-riscv64");
  return 127;
}
