#include "harness/job_fields.h"

#include <cmath>
#include <limits>

#include "common/json_integer.h"

namespace edgebench::harness {
namespace {

using nlohmann::json;

// JSON has no NaN or infinity: a non-finite real travels as null.
json Real(double value) { return std::isfinite(value) ? json(value) : json(nullptr); }
double RealOrNan(const json& j) {
  return j.is_null() ? std::numeric_limits<double>::quiet_NaN() : j.get<double>();
}
// Error figures are infinite when an output held NaN or infinity; null reads back so.
double RealOrInfinity(const json& j) {
  return j.is_null() ? std::numeric_limits<double>::infinity() : j.get<double>();
}
// The store keeps booleans as 0/1 integers.
bool Bool(const json& j) { return j.is_boolean() ? j.get<bool>() : JsonInteger<int64_t>(j) != 0; }
template <typename T>
json Optional(const std::optional<T>& value) {
  return value ? json(*value) : json(nullptr);
}
template <typename T>
std::optional<T> OptionalFrom(const json& j) {
  return j.is_null() ? std::nullopt : std::optional<T>(JsonInteger<T>(j));
}

// Each entry names a member once; the lambdas convert to the plain function pointers of
// JobField because they capture nothing.
#define EB_TEXT(field, expr)                                                                     \
  JobField {                                                                                     \
#field, FieldType::kText,                                                                    \
        [](const JobResult&                                                                      \
               r) { return json(r.expr); }, [](JobResult & r,                                    \
                                               const json& j) { r.expr = j.get<std::string>(); } \
  }
#define EB_INT(field, expr, type)                                                                \
  JobField {                                                                                     \
#field, FieldType::kInteger,                                                                 \
        [](const JobResult&                                                                      \
               r) { return json(r.expr); }, [](JobResult & r,                                    \
                                               const json& j) { r.expr = JsonInteger<type>(j); } \
  }
#define EB_REAL(field, expr)                                                                       \
  JobField {                                                                                       \
#field, FieldType::kReal,                                                                      \
        [](const JobResult& r) { return Real(r.expr); },                                           \
                                                      [](JobResult & r,                            \
                                                         const json& j) { r.expr = RealOrNan(j); } \
  }
#define EB_BOOL(field, expr)                                                                     \
  JobField {                                                                                     \
#field, FieldType::kBool,                                                                    \
        [](const JobResult& r) { return json(r.expr); }, [](JobResult & r,                       \
                                                            const json& j) { r.expr = Bool(j); } \
  }

const JobField kJobFields[] = {
    EB_TEXT(model, config.model),
    EB_TEXT(backend, config.backend),
    EB_INT(threads, config.threads, int),
    EB_TEXT(cpu_affinity, config.cpu_affinity),
    EB_TEXT(precision, config.precision),
    // Seeds use all 64 bits; the store's signed integers keep the bit pattern.
    JobField{"weight_seed", FieldType::kInteger,
             [](const JobResult& r) { return json(r.config.weight_seed); },
             [](JobResult& r, const json& j) {
               r.config.weight_seed = j.is_number_unsigned()
                                          ? JsonInteger<uint64_t>(j)
                                          : static_cast<uint64_t>(JsonInteger<int64_t>(j));
             }},
    JobField{"status", FieldType::kText,
             [](const JobResult& r) { return json(JobStatusName(r.status)); },
             [](JobResult& r, const json& j) {
               const std::optional<JobStatus> status = ParseJobStatus(j.get<std::string>());
               if (!status) throw json::other_error::create(501, "unknown job status", &j);
               r.status = *status;
             }},
    EB_TEXT(error, error),
    JobField{"exit_code", FieldType::kInteger,
             [](const JobResult& r) { return Optional(r.exit_code); },
             [](JobResult& r, const json& j) { r.exit_code = OptionalFrom<int>(j); }},
    JobField{"signal", FieldType::kInteger, [](const JobResult& r) { return Optional(r.signal); },
             [](JobResult& r, const json& j) { r.signal = OptionalFrom<int>(j); }},
    EB_INT(peak_rss_bytes, peak_rss_bytes, int64_t),
    EB_TEXT(backend_version, backend_version),
    EB_REAL(process_start_s, phases.process_start),
    EB_REAL(library_load_s, phases.library_load),
    EB_REAL(model_load_s, phases.model_load),
    EB_REAL(prepare_s, phases.prepare),
    EB_REAL(first_run_s, phases.first_run),
    EB_INT(sample_count, summary.count, int64_t),
    EB_REAL(min_s, summary.min),
    EB_REAL(p50_s, summary.p50),
    EB_REAL(p90_s, summary.p90),
    EB_REAL(p95_s, summary.p95),
    EB_REAL(p99_s, summary.p99),
    EB_REAL(max_s, summary.max),
    EB_REAL(mean_s, summary.mean),
    EB_REAL(stddev_s, summary.stddev),
    EB_REAL(cov, summary.cov),
    EB_REAL(median_ci_low_s, summary.median_ci_low),
    EB_REAL(median_ci_high_s, summary.median_ci_high),
    EB_BOOL(valid, summary.valid),
    EB_TEXT(verdict_reason, summary.verdict_reason),
    EB_TEXT(recommendation, summary.recommendation),
    // Schema 2.
    EB_INT(repetition, repetition, int),
    EB_INT(order_index, order_index, int64_t),
    EB_INT(footprint_bytes, footprint_bytes, int64_t),
    EB_BOOL(cold_start, cold_start),
    JobField{"memory_limit_bytes", FieldType::kInteger,
             [](const JobResult& r) { return Optional(r.memory_limit_bytes); },
             [](JobResult& r, const json& j) { r.memory_limit_bytes = OptionalFrom<int64_t>(j); }},
    EB_TEXT(memory_limit_mode, memory_limit_mode),
    EB_INT(rule_min_samples, rule_min_samples, int64_t),
    EB_REAL(rule_target_ci, rule_target_ci),
    EB_REAL(rule_max_drift, rule_max_drift),
    EB_REAL(rule_max_process_spread, rule_max_process_spread),
    // Schema 3.
    EB_TEXT(input_shape, config.input_shape),
    // Schema 4.
    EB_TEXT(toggles, config.toggles),
    EB_INT(model_macs, model_macs, int64_t),
    EB_INT(model_flops, model_flops, int64_t),
    EB_INT(model_bytes, model_bytes, int64_t),
    // Schema 8.
    EB_TEXT(wrapper, config.wrapper),
    EB_INT(worker_pid, worker_pid, int64_t),
    EB_TEXT(worker_namespaces, worker_namespaces),
    EB_TEXT(new_namespaces, new_namespaces),
    // Schema 10.
    EB_TEXT(kernels, kernels),
};

#undef EB_TEXT
#undef EB_INT
#undef EB_REAL
#undef EB_BOOL

const VerificationField kVerificationFields[] = {
    {"max_abs_error", FieldType::kReal, [](const Verification& v) { return Real(v.max_abs_error); },
     [](Verification& v, const json& j) { v.max_abs_error = RealOrInfinity(j); }},
    {"rel_l2_error", FieldType::kReal, [](const Verification& v) { return Real(v.rel_l2_error); },
     [](Verification& v, const json& j) { v.rel_l2_error = RealOrInfinity(j); }},
    {"top5_agreement", FieldType::kReal,
     [](const Verification& v) { return Real(v.top5_agreement); },
     [](Verification& v, const json& j) { v.top5_agreement = RealOrNan(j); }},
    {"tolerance", FieldType::kReal, [](const Verification& v) { return Real(v.tolerance); },
     [](Verification& v, const json& j) { v.tolerance = RealOrNan(j); }},
    {"passed", FieldType::kBool, [](const Verification& v) { return json(v.passed); },
     [](Verification& v, const json& j) { v.passed = Bool(j); }},
    // Schema 2.
    {"informative", FieldType::kBool, [](const Verification& v) { return json(v.informative); },
     [](Verification& v, const json& j) { v.informative = Bool(j); }},
    {"note", FieldType::kText, [](const Verification& v) { return json(v.note); },
     [](Verification& v, const json& j) { v.note = j.get<std::string>(); }},
    {"worst_output", FieldType::kInteger,
     [](const Verification& v) { return json(v.worst_output); },
     [](Verification& v, const json& j) { v.worst_output = JsonInteger<int>(j); }},
    {"outputs_json", FieldType::kText,
     [](const Verification& v) {
       json outputs = json::array();
       for (const OutputCheck& o : v.outputs) {
         outputs.push_back({{"rel_l2_error", Real(o.rel_l2_error)},
                            {"max_abs_error", Real(o.max_abs_error)},
                            {"top5_agreement", Real(o.top5_agreement)}});
       }
       return json(outputs.dump());
     },
     [](Verification& v, const json& j) {
       v.outputs.clear();
       for (const json& o : json::parse(j.get<std::string>()).get<std::vector<json>>()) {
         v.outputs.push_back({.rel_l2_error = RealOrInfinity(o.at("rel_l2_error")),
                              .max_abs_error = RealOrInfinity(o.at("max_abs_error")),
                              .top5_agreement = RealOrNan(o.at("top5_agreement"))});
       }
     }},
};

}  // namespace

std::span<const JobField> JobFields() { return kJobFields; }
std::span<const VerificationField> VerificationFields() { return kVerificationFields; }

json JobFieldsToJson(const JobResult& result) {
  json j = json::object();
  for (const JobField& field : JobFields()) j[field.name] = field.get(result);
  return j;
}

void JobFieldsFromJson(const json& j, JobResult& result) {
  for (const JobField& field : JobFields()) field.set(result, j.at(field.name));
}

json ToJson(const Verification& verification) {
  json j = json::object();
  for (const VerificationField& field : VerificationFields())
    j[field.name] = field.get(verification);
  return j;
}

Verification VerificationFromJson(const json& j) {
  Verification v;
  for (const VerificationField& field : VerificationFields()) field.set(v, j.at(field.name));
  return v;
}

}  // namespace edgebench::harness
