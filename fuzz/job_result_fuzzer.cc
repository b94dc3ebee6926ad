// Fuzzes the job result: the JSON the parent reads back from a worker's result pipe
// (harness/job_json.h, JobResultFromJson). A worker is untrusted (it runs third-party
// frameworks and may be half-dead), so a malformed report must be refused with
// nlohmann::json::exception (recorded as an unreadable result), never crash or trip UBSan.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "harness/job_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using edgebench::harness::JobResultFromJson;
  using edgebench::harness::ToJson;
  const nlohmann::json json = nlohmann::json::parse(data, data + size, nullptr, false);
  if (json.is_discarded()) return 0;  // not JSON: the parent's parse() throws first
  try {
    // What the parent accepts is what it stores: decoding, encoding and decoding again
    // must give the same result, or a stored figure differs from the one reported.
    const nlohmann::json encoded = ToJson(JobResultFromJson(json));
    if (ToJson(JobResultFromJson(encoded)) != encoded) {
      std::fprintf(stderr, "result does not round-trip: %s\n", encoded.dump().c_str());
      std::abort();
    }
  } catch (const nlohmann::json::exception&) {
    // The documented refusal.
  }
  return 0;
}
