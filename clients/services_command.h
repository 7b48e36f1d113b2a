// `dbt services up|down|status [--dir=DIR] [--v=N]`.
#ifndef DBT_CLIENTS_SERVICES_COMMAND_H_
#define DBT_CLIENTS_SERVICES_COMMAND_H_

#include <string>
#include <vector>

namespace dbt {

// args: everything after "services". Returns the process exit status.
int ServicesCommand(const std::vector<std::string>& args);

}  // namespace dbt

#endif  // DBT_CLIENTS_SERVICES_COMMAND_H_
