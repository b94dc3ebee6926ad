// Fuzzes the worker request: the JSON a worker process reads from its command line
// (harness/job_json.h, WorkerRequestFromJson). A malformed request must be refused with
// nlohmann::json::exception (the worker then exits 2 with "bad request"), never crash,
// trip UBSan or be half-read into a different job.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "harness/job_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using edgebench::harness::ToJson;
  using edgebench::harness::WorkerRequestFromJson;
  const nlohmann::json json = nlohmann::json::parse(data, data + size, nullptr, false);
  if (json.is_discarded()) return 0;  // not JSON: the worker's parse() throws first
  try {
    // A request the worker accepts must mean the same after the parent's encoding: a
    // field that decodes lossily would run a job other than the one recorded.
    const nlohmann::json encoded = ToJson(WorkerRequestFromJson(json));
    if (ToJson(WorkerRequestFromJson(encoded)) != encoded) {
      std::fprintf(stderr, "request does not round-trip: %s\n", encoded.dump().c_str());
      std::abort();
    }
  } catch (const nlohmann::json::exception&) {
    // The documented refusal.
  }
  return 0;
}
