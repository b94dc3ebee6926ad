#include "cli/models_command.h"

#include <fmt/format.h>

#include <cstdio>
#include <iostream>

#include "cli/option_checks.h"
#include "formats/model_source.h"
#include "formats/onnx.h"
#include "ir/cost.h"
#include "report/table.h"
#include "zoo/model_zoo.h"
#include "zoo/paper_table1.h"

namespace edgebench::cli {
namespace {

constexpr double kGiga = 1e9;
constexpr double kMega = 1e6;
constexpr double kMiB = 1024.0 * 1024.0;

using report::Cell;
using report::IntegerCell;
using report::NumberCell;
using report::TextCell;

Cell PercentCell(double deviation) {
  const double percent = deviation * 100.0;
  Cell cell = NumberCell(percent, 1);
  if (cell.text == "-0.0") cell.text = "0.0";
  if (percent >= 0.05) cell.text.insert(0, 1, '+');
  return cell;
}

report::Table ZooTable() {
  report::Table table;
  table.columns = {{"id", "model"},
                   {"input", "input"},
                   {"gmac", "GMAC", true},
                   {"gflop", "GFLOP", true},
                   {"params_m", "params(M)", true},
                   {"mac_per_param", "MAC/param", true},
                   {"weight_mb", "weights(MB)", true},
                   {"peak_activation_mb", "peak act(MB)", true},
                   {"paper_gflop", "paper GFLOP", true},
                   {"gmac_deviation_pct", "dGMAC%", true},
                   {"paper_params_m", "paper params(M)", true},
                   {"params_deviation_pct", "dParams%", true},
                   {"note", "note"}};
  for (const zoo::ModelEntry& entry : zoo::ModelCatalog()) {
    if (!entry.study_model) continue;
    ir::Graph graph = zoo::BuildModel(std::string(entry.id));
    ir::GraphCost cost = ir::CountGraph(graph);
    const zoo::PaperRow* paper = zoo::FindPaperRow(entry.id);
    const double gmac = static_cast<double>(cost.macs) / kGiga;
    const double params_m = static_cast<double>(cost.params) / kMega;
    std::vector<Cell> row = {
        TextCell(std::string(entry.id)),
        TextCell(ir::ShapeToString(entry.default_input)),
        NumberCell(gmac, 3),
        NumberCell(static_cast<double>(cost.flops) / kGiga, 3),
        NumberCell(params_m, 2),
        NumberCell(static_cast<double>(cost.macs) / static_cast<double>(cost.params), 1),
        NumberCell(static_cast<double>(cost.weight_bytes) / kMiB, 1),
        NumberCell(static_cast<double>(cost.peak_activation_bytes) / kMiB, 2)};
    if (paper == nullptr) {
      for (int i = 0; i < 4; ++i) row.push_back(TextCell("-"));
      row.push_back(TextCell(""));
    } else {
      const double gmac_dev = zoo::Deviation(gmac, paper->gflop);
      const double params_dev = zoo::Deviation(params_m, paper->params_m);
      const bool within = zoo::Reproduces(gmac, paper->gflop, zoo::kMacsTolerance) &&
                          zoo::Reproduces(params_m, paper->params_m, zoo::kParamsTolerance);
      row.push_back(NumberCell(paper->gflop, 2));
      row.push_back(PercentCell(gmac_dev));
      row.push_back(NumberCell(paper->params_m, 2));
      row.push_back(PercentCell(params_dev));
      row.push_back(TextCell(within ? "" : std::string(paper->note)));
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

report::Table LayerTable(const ir::Graph& graph) {
  report::Table table;
  table.columns = {{"name", "layer"},
                   {"op", "op"},
                   {"output_shape", "output", false},
                   {"macs", "MACs", true},
                   {"params", "params", true},
                   {"output_bytes", "output bytes", true}};
  ir::GraphCost cost = ir::CountGraph(graph);
  // Each graph input first, at the shape it was built or bound at.
  for (ir::ValueId id : graph.inputs()) {
    const ir::Value& input = graph.value(id);
    table.rows.push_back({TextCell(input.name), TextCell("input"),
                          TextCell(ir::ShapeToString(input.shape)), IntegerCell(0), IntegerCell(0),
                          IntegerCell(ir::ElementCount(input.shape) * ir::DTypeSize(input.dtype))});
  }
  for (ir::NodeId id : graph.ExecutionOrder()) {
    const ir::Node& node = graph.node(id);
    const ir::NodeCost& node_cost = cost.nodes[static_cast<size_t>(id)];
    table.rows.push_back({TextCell(node.name), TextCell(std::string(ir::OpName(node.op))),
                          TextCell(ir::ShapeToString(graph.value(node.outputs.front()).shape)),
                          IntegerCell(node_cost.macs), IntegerCell(node_cost.params),
                          IntegerCell(node_cost.output_bytes)});
  }
  table.rows.push_back({TextCell("total"), TextCell(""), TextCell(""), IntegerCell(cost.macs),
                        IntegerCell(cost.params), IntegerCell(cost.activation_bytes)});
  return table;
}

struct ModelsOptions {
  std::string format = "table";
  std::string show;
  std::string input_shape;  // canonical --input-shape text
};

int RunModels(const ModelsOptions& options) {
  auto format = report::ParseOutputFormat(options.format);
  if (!format) {
    std::cerr << "edgebench models: unknown format '" << options.format << "'\n";
    return kExitUsage;
  }
  try {
    if (options.show.empty() && !options.input_shape.empty()) {
      std::cerr << "edgebench models: --input-shape applies to --show\n";
      return kExitUsage;
    }
    report::Table table = options.show.empty()
                              ? ZooTable()
                              : LayerTable(formats::LoadModelStructure(
                                    options.show, formats::ParseInputShapes(options.input_shape)));
    std::cout << report::Render(table, *format);
    if (options.show.empty() && *format == report::OutputFormat::kTable) {
      std::cout << fmt::format(
          "\nGMAC counts conv/FC multiply-accumulates (what the study's \"GFLOP\" column "
          "holds); GFLOP counts all arithmetic.\nParams are trainable weights (BN running "
          "statistics excluded); tolerance {:.0f}% params, {:.0f}% GMAC.\n",
          zoo::kParamsTolerance * 100, zoo::kMacsTolerance * 100);
    }
  } catch (const zoo::ModelError& error) {
    std::cerr << "edgebench models: " << error.what() << "\n";
    return kExitUsage;
  } catch (const formats::InputShapeError& error) {
    std::cerr << "edgebench models: " << error.what() << "\n";
    return kExitUsage;
  } catch (const formats::FormatError& error) {
    std::cerr << "edgebench models: " << error.what() << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

Command AddModelsCommand(CLI::App& app) {
  auto options = std::make_shared<ModelsOptions>();
  CLI::App* sub = app.add_subcommand(
      "models", "Characterize the model zoo: MACs, FLOPs, parameters, memory (Table I)");
  sub->add_option("--format", options->format, "Output format: table, csv, json or md")
      ->check(CLI::IsMember({"table", "csv", "json", "md"}));
  sub->add_option("--show", options->show,
                  "Print one model's layer table (its inputs first): a zoo id (with an input "
                  "size, e.g. yolov3@320) or an ONNX file");
  sub->add_option("--input-shape", options->input_shape,
                  "With --show: shapes to build the model's inputs at, NAME:1x3x224x224[,...] "
                  "or 1x3x224x224 for a one-input model (settles an ONNX file's dynamic dims)")
      ->transform(InputShapeList());
  return {sub, [options] { return RunModels(*options); }};
}

}  // namespace edgebench::cli
