#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "harness/energy_figures.h"
#include "harness/job_result.h"

struct sqlite3;

namespace edgebench::store {

class RemoteWriter;

/// Schema version this build writes and understands (stored in PRAGMA user_version).
/// Each version has one migration step in results_store.cc.
inline constexpr int kSchemaVersion = 11;

/// PRAGMA application_id of every edgebench results database ("EDGB" in ASCII), so a
/// foreign SQLite file is recognised before anything is written to it.
inline constexpr int32_t kApplicationId = 0x45444742;

/// Any failure to open, read or write a results database. The message names the file.
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// What describes one `edgebench run` invocation; the store adds the timestamps.
struct RunInfo {
  std::string device_label;      // user-chosen name of the machine under test
  std::string command_line;      // argv joined, as typed
  std::string environment_json;  // JSON object: CPU, OS, governor, library versions...
  std::string build_revision;    // git revision of the edgebench binary
  std::string tool_version;      // edgebench version, e.g. "0.1.0"
  /// JSON object: how the jobs were scheduled (repetitions, order seed, the order used,
  /// cool-down, cold start), so a run can be replayed in the same order.
  std::string schedule_json = "{}";
};

/// A run as stored. Times are ISO-8601 UTC with milliseconds, e.g. "2024-05-01T12:00:00.000Z".
struct StoredRun {
  int64_t id = 0;
  RunInfo info;
  std::string started_at;
  std::optional<std::string> finished_at;  // nullopt while running, or if the run died
};

/// Ceilings `edgebench peak` measured on one machine (harness::peak::MachinePeak as JSON).
struct StoredMachinePeak {
  int64_t id = 0;
  std::string measured_at;  // ISO-8601 UTC
  std::string hostname;
  std::string cpu_model;
  std::string isa;
  std::string peak_json;
};

/// A job as stored. `result.samples` is left empty by ResultsStore::Jobs(), since a
/// report over many jobs rarely needs every sample; load them with Samples(id).
struct StoredJob {
  int64_t id = 0;
  int64_t run_id = 0;
  std::string finished_at;  // when the job was recorded, ISO-8601 UTC
  harness::JobResult result;
};

/// One configuration of a stored `edgebench tune` search (harness::TuneTrial, reduced to
/// its pooled median and CI).
struct StoredTuneTrial {
  harness::JobConfig config;
  harness::JobStatus status = harness::JobStatus::kOk;
  std::string error;
  int rounds = 0;
  int eliminated_in = 0;  // 0 = never dropped
  std::string why_dropped;
  int64_t samples = 0;
  double p50 = 0, median_ci_low = 0, median_ci_high = 0;  // seconds; NaN when unmeasured
};

/// A stored `edgebench tune` search: the run it measured in, what it searched and found.
struct StoredTuneSearch {
  int64_t run_id = 0;
  std::string started_at;  // the run's
  std::string model;
  std::string space_json;     // the dimensions searched
  std::string settings_json;  // budget, keep fraction, runs per round
  std::string best_key;       // ConfigKey of the winner; empty when none won
  std::string baseline_key;   // ConfigKey of the default it is compared with
  double speedup = 0, speedup_low = 0, speedup_high = 0;  // NaN when not measured
  int64_t measurements = 0;
  int64_t exhaustive_measurements = 0;
  std::string rationale;
  std::vector<StoredTuneTrial> trials;  // in grid order
};

/// The configuration key --resume matches on (see harness::ConfigKey).
using harness::ConfigKey;

/// The benchmark results database: an SQLite file holding runs, their jobs, each job's
/// samples and verification. Every job is written in its own transaction and synced, so
/// a crash (even SIGKILL or power loss) loses at most the job being recorded.
///
/// A database may also be a PostgreSQL server, named by a postgresql:// URL (a lab's
/// boards writing into one place; postgres_store.cc). Reading mirrors the server into a
/// private in-memory SQLite copy, so every reader works unchanged (at the cost of
/// reading the whole server once). Writing goes to a local staging SQLite file and each
/// write is copied to the server in one server transaction (run and job ids are the
/// server's); if the server becomes unreachable the store keeps writing locally and
/// says at the end which file to `edgebench push`.
///
/// Several processes may open the same file (SQLite WAL: readers do not block the
/// writer). One ResultsStore must not be used from two threads at once. A NaN statistic
/// or sample is stored as SQL NULL and reads back as NaN.
class ResultsStore {
 public:
  /// Opens `path`, creating it if missing and upgrading an older schema in place.
  /// Throws StoreError, leaving the file untouched, when it is not an SQLite file, is an
  /// SQLite file of another application, or was written by a newer edgebench.
  /// Before anything is written, an existing file must pass PRAGMA quick_check: a damaged
  /// file is refused (StoreError saying how to recover) rather than appended to.
  /// A postgresql:// URL opens the server for writing (creating or upgrading its schema)
  /// with a new staging file under $XDG_STATE_HOME/edgebench (or ~/.local/state/edgebench).
  static ResultsStore Open(const std::string& path);

  /// Opens an existing database for reading only (results, export, reports): no row is
  /// ever written (SQLite may still complete an interrupted writer's -wal or -journal, as
  /// for any reader). Works on read-only media and on files or folders this user may not
  /// write, and leaves no -wal/-shm files behind a file that had none. An older schema is
  /// upgraded in a private in-memory copy. Every writing method then throws StoreError.
  /// Throws StoreError for a missing, foreign, newer-schema or unreadable file. Reads
  /// that hit a damaged page throw StoreError saying so.
  /// A postgresql:// URL reads the server (never writing to it).
  static ResultsStore OpenReadOnly(const std::string& path);
  /// An empty store at this build's schema, in memory (schema introspection, tests).
  static ResultsStore OpenInMemory();

  /// A moved-from store may only be assigned to or destroyed.
  ResultsStore(ResultsStore&&) noexcept;
  ResultsStore& operator=(ResultsStore&&) noexcept;
  ~ResultsStore();

  const std::string& path() const { return path_; }

  /// Records the start of a run (started_at = now); returns its id.
  int64_t BeginRun(const RunInfo& info);
  /// Sets the run's finished_at to now. Throws StoreError for an unknown id.
  void FinishRun(int64_t run_id);

  /// Stores one job with its samples, verification, layer profile and (when given) the
  /// energy measured around it (as RecordJobEnergy) in a single transaction; returns the
  /// job's id. Throws StoreError (nothing stored) for an unknown run.
  int64_t RecordJob(int64_t run_id, const harness::JobResult& result,
                    const harness::JobEnergy* energy = nullptr);

  /// True when any run already holds a job with this configuration whose outcome would
  /// not change by running it again: unsupported, verify_failed, or ok -- for a timed
  /// run (`timed`) only an ok job with samples, since `verify` stores ok jobs without
  /// any. Failed, crashed, exited, timeout, out_of_memory and unavailable jobs may be
  /// transient (a loaded machine, a limit since raised, a plugin since installed), so
  /// `--resume` retries them.
  bool HasCompletedJob(const harness::JobConfig& config, bool timed = true) const;

  /// Repetitions (1-based) of `config` in run `run_id` whose outcome would not change by
  /// running them again (the HasCompletedJob rule), with that outcome: what
  /// `run --resume` skips.
  std::map<int, harness::JobStatus> CompletedRepetitions(int64_t run_id,
                                                         const harness::JobConfig& config,
                                                         bool timed = true) const;

  /// Every run, oldest first.
  std::vector<StoredRun> Runs() const;
  /// Jobs of one run, or of all runs for nullopt, in the order they were recorded.
  std::vector<StoredJob> Jobs(std::optional<int64_t> run_id) const;
  /// A job's steady-state samples in seconds, in run order.
  std::vector<double> Samples(int64_t job_id) const;
  /// The most recently begun run, or nullopt for an empty database.
  std::optional<int64_t> LatestRunId() const;
  /// The run `run --resume` continues: the latest run of an SQLite file; on PostgreSQL,
  /// where many boards write, the latest run of this board (`device_label`), copied from
  /// the server with everything it holds so far.
  std::optional<int64_t> ResumableRunId(const std::string& device_label);
  /// For a store writing to PostgreSQL that lost its server: which local file holds the
  /// results the server lacks and how to push them. "" otherwise.
  std::string UnpushedNotice() const;
  /// The SQLite connection (the file, the staging file of a PostgreSQL store, or the
  /// in-memory mirror of a server), for the store's own engines and for tests.
  sqlite3* sqlite_handle() const { return db_.get(); }

  /// Stores a machine's measured ceilings; returns the row id.
  int64_t RecordMachinePeak(const StoredMachinePeak& peak);
  /// The latest ceilings measured on the machine with this hostname and CPU model.
  std::optional<StoredMachinePeak> LatestMachinePeak(const std::string& hostname,
                                                     const std::string& cpu_model) const;

  /// What MergeFrom copied.
  struct MergeCounts {
    int64_t runs_added = 0;
    int64_t runs_present = 0;  // already in this database (merged before): skipped
    int64_t jobs_added = 0;
    int64_t rows_added = 0;  // rows of every other table (samples, verifications, ...)
  };
  /// Copies every run of `source` that this database lacks, with its jobs and every row
  /// of the tables keyed by job_id or run_id (ids renumbered), the jobs (by uid) its
  /// present runs lack, and the rows of unkeyed tables (machine peaks) it lacks. A run is
  /// the same run when its start time, device label and command line match, so merging a
  /// file twice adds nothing; device labels are kept. One transaction: on error nothing
  /// is added. Both stores are at this build's schema (Open and OpenReadOnly upgrade older
  /// files; newer ones are refused).
  MergeCounts MergeFrom(const ResultsStore& source);
  /// Stores what the parent measured around job `job_id` (energy_store.cc): the per-source
  /// figures, the thermal record and the sensor traces, in one transaction.
  void RecordJobEnergy(int64_t job_id, const harness::JobEnergy& energy);
  /// Adds figures to job `job_id` after the fact (an external meter's log aligned once
  /// the run ended), replacing figures of the same sources; `window_seconds` and
  /// `inferences` describe the job when it had no measurements yet.
  void AddEnergyFigures(int64_t job_id, double window_seconds, int64_t inferences,
                        const std::vector<harness::SourceFigures>& figures);
  /// The stored measurements of job `job_id`, traces only `with_traces`; nothing when none
  /// were recorded (a job run without sensors, or before schema version 5).
  std::optional<harness::JobEnergy> JobEnergyOf(int64_t job_id, bool with_traces = false) const;
  /// The per-layer profile RecordJob stored with a job (JobResult::layer_profile), or
  /// nullopt when the job has none.
  std::optional<harness::LayerProfile> LayerProfileOf(int64_t job_id) const;

  /// Stores a tune search of run `run_id` (tune_store.cc) in one transaction, replacing
  /// any earlier record of that run's search.
  void RecordTuneSearch(const StoredTuneSearch& search);
  /// The tune searches of `model` (every model for an empty one), newest first, trials
  /// included.
  std::vector<StoredTuneSearch> TuneSearches(const std::string& model = "") const;

  /// Test hook: called inside RecordJob's open transaction after each sample row is
  /// written (argument: the sample's index), so tests can kill the process mid-job.
  void SetSampleWrittenHookForTesting(std::function<void(int64_t)> hook);

 private:
  struct DbCloser {
    void operator()(sqlite3* db) const;
  };

  ResultsStore(std::string path, std::unique_ptr<sqlite3, DbCloser> db);
  /// Attaches the graph-pass records (table graph_passes) of the jobs that have them.
  void ReadGraphPasses(std::vector<StoredJob>& jobs) const;
  /// postgres_store.cc.
  static ResultsStore OpenPostgres(const std::string& url);
  static ResultsStore OpenPostgresReadOnly(const std::string& url);

  std::string path_;
  /// Set when the database is a PostgreSQL server. Declared before db_ so that the
  /// staging file is closed before the link may remove it.
  std::shared_ptr<RemoteWriter> remote_;
  std::unique_ptr<sqlite3, DbCloser> db_;
  std::function<void(int64_t)> sample_written_hook_;
};

}  // namespace edgebench::store
