// Stand-in for the dbt client with qemu-riscv64 behind it: `qemu_runner run PROG
// ARGS...` behaves like `dbt run PROG ARGS...`. Selected by --define
// guest_runner=qemu, it checks the harness itself and the determinism of the guest
// programs. A C program rather than a shell script: a shell would add PWD, SHLVL
// and _ to the environment the guest sees.
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc < 3 || strcmp(argv[1], "run") != 0) {
    fprintf(stderr, "usage: %s run PROG [ARGS...]\n", argv[0]);
    return 2;
  }
  static char qemu[] = "/usr/bin/qemu-riscv64";
  argv[1] = qemu;
  execv(qemu, argv + 1);
  perror("qemu_runner: execv /usr/bin/qemu-riscv64");
  return 127;
}
