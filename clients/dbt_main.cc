// dbt: the user's command. `dbt run PROG ARGS...` runs a foreign program
// like qemu-user does; `dbt services ...` manages the services.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "clients/binfmt_command.h"
#include "clients/run_command.h"
#include "clients/services_command.h"
#include "common/version.h"

namespace {

void Usage() {
  fprintf(stderr,
          "usage: dbt run [OPTIONS] PROG [ARGS...]   run a RISC-V Linux program (dbt run --help)\n"
          "       dbt services up|down|status [--dir=DIR]\n"
          "       dbt binfmt install|uninstall|status   run riscv64 programs directly\n"
          "       dbt version\n");
}

}  // namespace

int main(int argc, char** argv) {
  // Started by binfmt_misc (dbt binfmt install).
  if (const char* slash = strrchr(argv[0], '/');
      strcmp(slash != nullptr ? slash + 1 : argv[0], dbt::kBinfmtHandlerName) == 0) {
    return dbt::BinfmtHandler(argc, argv);
  }
  if (argc < 2) {
    Usage();
    return 2;
  }
  std::string command = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "run") return dbt::RunCommand(args);
  if (command == "services") return dbt::ServicesCommand(args);
  if (command == "binfmt") return dbt::BinfmtCommand(args);
  if (command == "version" || command == "--version") {
    printf("dbt %s\n", dbt::kDbtVersion);
    return 0;
  }
  if (command == "-h" || command == "--help" || command == "help") {
    Usage();
    return 0;
  }
  fprintf(stderr, "dbt: unknown command '%s'\n", command.c_str());
  Usage();
  return 2;
}
