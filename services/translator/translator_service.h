// The dbt.v1.Translator gRPC API (proto/translator.proto).
#ifndef DBT_SERVICES_TRANSLATOR_TRANSLATOR_SERVICE_H_
#define DBT_SERVICES_TRANSLATOR_TRANSLATOR_SERVICE_H_

#include "proto/translator.grpc.pb.h"

namespace dbt {

// Control-plane RPCs not implemented yet answer UNIMPLEMENTED (the generated
// base class's behaviour); Status and health are served for every service by
// common/service.
class TranslatorService final : public v1::Translator::Service {};

}  // namespace dbt

#endif  // DBT_SERVICES_TRANSLATOR_TRANSLATOR_SERVICE_H_
