// The dbt.v1.Cache gRPC API (proto/cache.proto).
#ifndef DBT_SERVICES_CACHE_CACHE_SERVICE_H_
#define DBT_SERVICES_CACHE_CACHE_SERVICE_H_

#include "proto/cache.grpc.pb.h"

namespace dbt {

// Control-plane RPCs not implemented yet answer UNIMPLEMENTED (the generated
// base class's behaviour); Status and health are served for every service by
// common/service.
class CacheService final : public v1::Cache::Service {};

}  // namespace dbt

#endif  // DBT_SERVICES_CACHE_CACHE_SERVICE_H_
