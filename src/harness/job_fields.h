#pragma once

#include <nlohmann/json.hpp>
#include <span>

#include "harness/job_result.h"

namespace edgebench::harness {

/// How a field is stored: the SQL column affinity, and the JSON value it travels as.
enum class FieldType { kInteger, kReal, kText, kBool };

/// One scalar field of a JobResult. The list of these is the single description of what
/// a job records: the worker protocol's JSON, the store's `jobs` columns and every export
/// are generated from it, so a new field is added in one place.
struct JobField {
  const char* name;  // JSON key and SQL column name
  FieldType type;
  /// The value as JSON: null for an absent optional, and for a non-finite real (JSON has
  /// no NaN); text for text, numbers for numbers.
  nlohmann::json (*get)(const JobResult&);
  /// Sets the field from JSON as `get` produces it (integers are accepted for reals, 0/1
  /// for booleans). Throws nlohmann::json::exception for a value of the wrong type.
  void (*set)(JobResult&, const nlohmann::json&);
};

/// Every scalar field of a job, in a fixed order (the store's column order). Samples and
/// the verification are not scalars; they travel beside these.
std::span<const JobField> JobFields();

/// One scalar field of a Verification, described the same way.
struct VerificationField {
  const char* name;
  FieldType type;
  nlohmann::json (*get)(const Verification&);
  void (*set)(Verification&, const nlohmann::json&);
};

/// Every scalar field of a verification (per-output details travel as `outputs_json`).
std::span<const VerificationField> VerificationFields();

/// A job's scalar fields as one flat JSON object (JobFields() order).
nlohmann::json JobFieldsToJson(const JobResult& result);
/// Sets every JobFields() member of `result` from `json`; throws
/// nlohmann::json::exception when one is missing or has the wrong type.
void JobFieldsFromJson(const nlohmann::json& json, JobResult& result);

nlohmann::json ToJson(const Verification& verification);
/// Throws nlohmann::json::exception on malformed input.
Verification VerificationFromJson(const nlohmann::json& json);

}  // namespace edgebench::harness
