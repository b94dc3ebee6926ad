// Fuzzes the results database reader (store/results_store.h) with whole SQLite files: a
// user may point --db at a damaged copy, a file of another program or a newer schema.
// Opening and reading back runs, jobs and samples must either work or throw StoreError;
// never crash, hang or trip a sanitizer.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>

#include "fuzz_files.h"
#include "store/results_store.h"

namespace {

namespace fs = std::filesystem;

// A file of a few pages holds few rows; these caps only keep a pathological input
// (millions of tiny rows) from turning one execution into a time-out.
constexpr size_t kMaxJobsRead = 64;

// Runs every read the report and export commands do.
void ReadEverything(const edgebench::store::ResultsStore& store) {
  const auto runs = store.Runs();
  store.LatestRunId();
  const auto jobs = store.Jobs(std::nullopt);
  if (!runs.empty()) store.Jobs(runs.front().id);
  for (size_t i = 0; i < jobs.size() && i < kMaxJobsRead; ++i) {
    store.Samples(jobs[i].id);
    store.HasCompletedJob(jobs[i].result.config);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // SQLite needs a real directory for its -wal and -shm files, so the input goes to a
  // private scratch copy rather than a memfd.
  const fs::path db = edgebench::fuzz::ScratchDir() / "results.db";
  {
    std::ofstream file(db, std::ios::binary | std::ios::trunc);
    file.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    if (!file.flush()) {
      std::perror("writing the scratch database");
      std::abort();
    }
  }
  // Read-only first (what `results` and `export` use), then read-write (what `run` uses:
  // it may create the schema or migrate an older one, harmless on this private copy, and
  // it exercises the ownership, header and integrity checks that guard a user's file).
  try {
    ReadEverything(edgebench::store::ResultsStore::OpenReadOnly(db));
  } catch (const edgebench::store::StoreError&) {
    // The documented refusal.
  }
  try {
    ReadEverything(edgebench::store::ResultsStore::Open(db));
  } catch (const edgebench::store::StoreError&) {
  }
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::error_code ignored;
    fs::remove(db.string() + suffix, ignored);
  }
  return 0;
}
