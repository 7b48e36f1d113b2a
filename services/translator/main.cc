// dbt-translator: the translator service. See docs/ARCHITECTURE.md for its role.
#include <cstdio>

#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "common/service/server.h"
#include "services/translator/translator_service.h"

int main(int argc, char** argv) {
  dbt::BlockTerminationSignals();
  absl::SetProgramUsageMessage("dbt translator service: --socket=PATH [--listen=HOST:PORT] [--v=1]");
  absl::ParseCommandLine(argc, argv);
  dbt::ServerConfig config;
  if (!dbt::ApplyCommonServiceFlags("translator", &config)) return 2;
  dbt::TranslatorService service;
  config.services.push_back({"dbt.v1.Translator", &service});
  return dbt::RunServer(config);
}
