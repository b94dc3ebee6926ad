#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "ir/graph.h"

namespace edgebench::zoo {

/// Unknown model id or an input size the model cannot take.
class ModelError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using ModelBuilderFn = ir::Graph (*)(const ir::Shape& input);

/// One buildable model definition.
struct ModelEntry {
  std::string_view id;
  std::string_view description;  // architecture and the definition it follows
  ir::Shape default_input;       // N, C, then 2 (H, W) or 3 (D, H, W) spatial dims
  ModelBuilderFn build;
  bool study_model;  // one of the source study's 16 Table I rows
};

/// Every model, study models first in Table I order, then extra variants.
const std::vector<ModelEntry>& ModelCatalog();

/// A resolved model request: "yolov3", "yolov3@320" (square), "yolov3@320x416",
/// "c3d@16x112x112" (frames x height x width).
struct ModelSpec {
  const ModelEntry* entry = nullptr;
  ir::Shape input;
  std::string canonical_id;  // id, plus "@..." when the input differs from the default
};

/// Resolves a model request; throws ModelError naming the valid ids or forms.
ModelSpec ResolveModel(const std::string& request);

/// Builds the model with shapes inferred (weights described, not materialized).
/// Throws ModelError for a bad request or an input size too small for the model.
ir::Graph BuildModel(const ModelSpec& spec);
ir::Graph BuildModel(const std::string& request);

}  // namespace edgebench::zoo
