// Release identity of dbt, reported by every service's Status RPC.
#ifndef DBT_COMMON_VERSION_H_
#define DBT_COMMON_VERSION_H_

namespace dbt {

inline constexpr char kDbtVersion[] = "0.1.0";

}  // namespace dbt

#endif  // DBT_COMMON_VERSION_H_
