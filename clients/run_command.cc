#include "clients/run_command.h"

#include <cstdio>

namespace dbt {

int RunCommand(const std::vector<std::string>& args) {
  fprintf(stderr, "dbt run: the translation core is not built yet\n");
  return 1;
}

}  // namespace dbt
