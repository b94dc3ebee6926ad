#pragma once

// Per-family builders that append a node's oneDNN primitives to a plan. Each reads its
// inputs through the PlanBuilder (which inserts any reorder a layout needs) and records
// its output value there. They throw dnnl::error or std::runtime_error on what oneDNN
// refuses; the backend turns that into a Status.

#include "backends/onednn/fusion_planner.h"
#include "backends/onednn/plan_builder.h"
#include "ir/graph.h"

namespace edgebench::backends::onednn {

// conv_builders.cc: the ops with weights. `chain` (may be null) is what fusion folds in.
void BuildConv(PlanBuilder& plan, const ir::Node& node, const FusedChain* chain);
void BuildConvTranspose(PlanBuilder& plan, const ir::Node& node);
void BuildFullyConnected(PlanBuilder& plan, const ir::Node& node, const FusedChain* chain);
void BuildMatMul(PlanBuilder& plan, const ir::Node& node);

// compute_builders.cc
void BuildEltwise(PlanBuilder& plan, const ir::Node& node);
void BuildBinary(PlanBuilder& plan, const ir::Node& node);
void BuildBatchNorm(PlanBuilder& plan, const ir::Node& node);
void BuildPool(PlanBuilder& plan, const ir::Node& node);
void BuildGlobalAvgPool(PlanBuilder& plan, const ir::Node& node);
void BuildSoftmax(PlanBuilder& plan, const ir::Node& node);
void BuildLrn(PlanBuilder& plan, const ir::Node& node);
void BuildLayerNorm(PlanBuilder& plan, const ir::Node& node);
void BuildReduce(PlanBuilder& plan, const ir::Node& node);
void BuildResize(PlanBuilder& plan, const ir::Node& node);

// layout_builders.cc
void BuildReshapeLike(PlanBuilder& plan, const ir::Node& node);
void BuildConcat(PlanBuilder& plan, const ir::Node& node);
void BuildTranspose(PlanBuilder& plan, const ir::Node& node);
void BuildSlice(PlanBuilder& plan, const ir::Node& node);
void BuildPad(PlanBuilder& plan, const ir::Node& node);
void BuildGather(PlanBuilder& plan, const ir::Node& node);
/// A plain copy of `x` inside a border of `value` (pads per dim); the copy into the
/// interior is a step of each run, the border is written once.
dnnl::memory PaddedCopy(PlanBuilder& plan, ir::ValueId x, const dnnl::memory::dims& pads_begin,
                        const dnnl::memory::dims& pads_end, float value);

}  // namespace edgebench::backends::onednn
