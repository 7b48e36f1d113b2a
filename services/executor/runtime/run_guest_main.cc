// run_guest [-strace] PROG ARGS...: runs a riscv64 program with the
// interpreter and this process's environment; exits like the guest. The
// product's entry point is `dbt run` (clients/); this is the runtime's own
// test driver.
#include <cstring>
#include <string>
#include <vector>

#include "services/executor/runtime/guest_runner.h"

extern char** environ;

int main(int argc, char** argv) {
  dbt::executor::RunOptions options;
  int i = 1;
  if (i < argc && strcmp(argv[i], "-strace") == 0) {
    options.strace = true;
    ++i;
  }
  if (i >= argc) {
    fprintf(stderr, "usage: run_guest [-strace] PROG ARGS...\n");
    return 2;
  }
  options.program = argv[i];
  for (int k = i; k < argc; ++k) options.argv.push_back(argv[k]);
  for (char** e = environ; *e != nullptr; ++e) options.envp.push_back(*e);
  dbt::executor::RunGuestAndExit(options);
}
