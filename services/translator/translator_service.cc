#include "services/translator/translator_service.h"

namespace dbt {

grpc::Status TranslatorService::Stats(grpc::ServerContext* context,
                                      const v1::TranslatorStatsRequest* request,
                                      v1::TranslatorStats* response) {
  if (listener_ == nullptr) return grpc::Status::OK;
  const translator::DataPlaneSnapshot s = listener_->Stats();
  response->set_requests(s.requests);
  response->set_tbs_translated(s.tbs_translated);
  response->set_host_bytes_emitted(s.host_bytes_emitted);
  response->set_latency_p50_ns(s.latency_p50_ns);
  response->set_latency_p99_ns(s.latency_p99_ns);
  response->set_sessions(s.sessions);
  response->set_requests_rejected(s.requests_rejected);
  response->set_sessions_total(s.sessions_total);
  response->set_flushes(s.flushes);
  response->set_data_socket(listener_->socket_path());
  return grpc::Status::OK;
}

grpc::Status TranslatorService::Flush(grpc::ServerContext* context, const v1::FlushRequest* request,
                                      v1::FlushResponse* response) {
  const uint32_t flushed =
      listener_ == nullptr ? 0 : listener_->RequestFlush(request->session_id());
  if (flushed == 0 && !request->session_id().empty()) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND,
                        "no attached session \"" + request->session_id() + "\"");
  }
  response->set_sessions_flushed(flushed);
  return grpc::Status::OK;
}

}  // namespace dbt
