// The dbt.v1.Translator gRPC API (proto/translator.proto): the data plane's
// counters (Stats) and asking executor sessions to flush their code buffers
// (Flush). Translation requests themselves never come through gRPC; they
// arrive on the shared-memory rings of the sessions attached to the data
// socket (data_plane/session_listener.h).
#ifndef DBT_SERVICES_TRANSLATOR_TRANSLATOR_SERVICE_H_
#define DBT_SERVICES_TRANSLATOR_TRANSLATOR_SERVICE_H_

#include "proto/translator.grpc.pb.h"
#include "services/translator/data_plane/session_listener.h"

namespace dbt {

class TranslatorService final : public v1::Translator::Service {
 public:
  // `listener` may be null (no data socket: only TCP was given); it must
  // outlive the service.
  explicit TranslatorService(translator::SessionListener* listener) : listener_(listener) {}

  // Latency percentiles are over the last 4096 translate requests
  // (DataPlaneStats::kLatencyWindow), measured from the ring message being
  // received to the answer written.
  grpc::Status Stats(grpc::ServerContext* context, const v1::TranslatorStatsRequest* request,
                     v1::TranslatorStats* response) override;
  // Marks the session(s): the next translate request of each is answered
  // ResourceExhausted, so the executor drops its TBs and sends kFlush.
  // NOT_FOUND when a session id is given and no attached session has it.
  grpc::Status Flush(grpc::ServerContext* context, const v1::FlushRequest* request,
                     v1::FlushResponse* response) override;

 private:
  translator::SessionListener* const listener_;
};

}  // namespace dbt

#endif  // DBT_SERVICES_TRANSLATOR_TRANSLATOR_SERVICE_H_
