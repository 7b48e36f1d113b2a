// `dbt run [OPTIONS] PROG ARGS...`: the qemu-user-like entry point.
#ifndef DBT_CLIENTS_RUN_COMMAND_H_
#define DBT_CLIENTS_RUN_COMMAND_H_

#include <string>
#include <vector>

namespace dbt {

// args: everything after "run". Returns the exit status, or does not return
// when the guest dies by a signal (dbt then dies by the same signal).
int RunCommand(const std::vector<std::string>& args);

}  // namespace dbt

#endif  // DBT_CLIENTS_RUN_COMMAND_H_
