// The fds a process was started with beyond stdin/stdout/stderr: open, above
// 2, without close-on-exec (what a shell's `PROG 5<file` hands a program).
// `dbt run` passes its own on to the guest through its private executor,
// which accepts exactly the ones it inherited itself (StartGuest.inherit_fds).
#ifndef DBT_COMMON_SERVICE_INHERITED_FDS_H_
#define DBT_COMMON_SERVICE_INHERITED_FDS_H_

#include <vector>

namespace dbt {

// Ascending. Call it before opening anything without O_CLOEXEC.
std::vector<int> InheritableFds();

}  // namespace dbt

#endif  // DBT_COMMON_SERVICE_INHERITED_FDS_H_
