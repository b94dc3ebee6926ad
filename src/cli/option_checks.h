#pragma once

// The one validation layer every command shares. CLI11's own number checks let through
// what a benchmark must not accept: "nan" and "inf" pass its range checks (every
// comparison with NaN is false), integers are read with strtoll(..., 0) so "010" is 8,
// "-1" wraps to 2^64-1 and out-of-range text saturates instead of failing. These
// validators parse the text themselves, strictly, and rewrite it to the canonical decimal
// form before CLI11 converts it, so what a user typed is what is measured and stored.
// Attach the integer ones with Option::transform (they rewrite), the others with check.

#include <CLI/CLI.hpp>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace edgebench::cli {

/// Parses a plain decimal integer in [min, max]: optional '-' then digits only (no '+',
/// no spaces, no hex or octal, no exponent). nullopt for anything else or out of range.
std::optional<int64_t> ParseInteger(std::string_view text, int64_t min, int64_t max);

/// Parses a weight seed: decimal digits only, 0 to 2^64-1; no sign, so "-1" never wraps.
std::optional<uint64_t> ParseSeed(std::string_view text);

/// A decimal integer in [min, max], e.g. for --threads; `what` names the quantity in
/// the error ("a thread count"). Use with Option::transform.
CLI::Validator WholeNumber(int64_t min, int64_t max, std::string what);

/// A seed, 0 to 18446744073709551615 (2^64-1). Use with Option::transform.
CLI::Validator Seed();

/// A stored run id, 1 to 2^63-1 (SQLite row ids). Use with Option::transform.
CLI::Validator RunId();

/// A finite number of seconds: > 0 when `positive`, else >= 0. NaN and infinity are
/// refused: a duration must be something a clock can reach.
CLI::Validator Seconds(bool positive);

/// A finite fraction in [0, 1], e.g. --target-ci 0.01 (+-1 %).
CLI::Validator Fraction();

/// A CPU list ("0-3,6") whose every CPU this process may run on (sched_getaffinity),
/// so a list that would fail in every worker is refused before any job starts. "big" and
/// "little" are rewritten to the CPUs of that core type (harness::ResolvePinRole).
CLI::Validator AvailableCpuList();

/// The CPUs this process may run on (sched_getaffinity), ascending.
std::vector<int> AvailableCpus();

/// The CPUs this process may run on, as a compact list such as "0-3,6".
std::string AvailableCpusText();

/// A compact CPU list ("0-3,6") for sorted, distinct CPU numbers.
std::string FormatCpuList(const std::vector<int>& cpus);

/// An --input-shape list, "NAME:1x3x224x224[,NAME:DIMS...]" or a bare "1x3x224x224",
/// rewritten to its canonical text (formats::FormatInputShapes). Use with
/// Option::transform.
CLI::Validator InputShapeList();

/// An --opt value: optimization toggles joined by '+' ("no-fusion+sparse"), or "none",
/// rewritten to canonical harness::JobConfig::toggles text ("" for none). Names are
/// lower-case letters, digits and '-'; whether a backend has them is settled per job. At
/// most one precision (int8, fp16, bf16, fp32) per set: it becomes the job's precision.
CLI::Validator ToggleSet();

/// A --db path: a file name. Refuses "", ":memory:" (SQLite would keep the results in
/// memory and drop them at exit) and "file:" URIs (SQLite may read those as options).
CLI::Validator DatabaseFile();

/// Appends `id` to `ids` unless already there. A repeat is merged (the same job would
/// otherwise run twice) with a note on `notes` naming `option` and the repeated
/// `spelling`. Returns whether `id` was appended.
bool AppendUnique(std::vector<std::string>& ids, const std::string& id, std::string_view spelling,
                  std::string_view option, std::ostream& notes);

}  // namespace edgebench::cli
