#include "cli/backends_command.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <iostream>
#include <memory>

#include "backends/registry.h"
#include "report/table.h"

namespace edgebench::cli {
namespace {

struct BackendsOptions {
  std::string format = "table";
  std::string plugin_dir;
};

int RunBackends(const BackendsOptions& options) {
  const auto format = report::ParseOutputFormat(options.format);
  if (!format) return kExitUsage;
  const backends::BackendRegistry registry = backends::DefaultRegistry(
      options.plugin_dir.empty() ? backends::DefaultPluginDir() : options.plugin_dir);
  report::Table table;
  table.columns = {
      {"id", "backend"},    {"available", "available"},     {"version", "version"},
      {"origin", "origin"}, {"description", "description"}, {"toggles", "toggles (--opt)"},
      {"reason", "reason"}};
  bool any_toggle = false;
  for (const backends::BackendInfo& info : registry.List()) {
    std::vector<std::string> toggles;
    for (const backends::OptimizationToggle& toggle : info.toggles) {
      toggles.push_back(fmt::format("{}: {}", toggle.name, toggle.effect));
    }
    any_toggle = any_toggle || !toggles.empty();
    table.rows.push_back({report::TextCell(info.id),
                          report::TextCell(info.available ? "yes" : "no"),
                          report::TextCell(info.version), report::TextCell(info.origin),
                          report::TextCell(info.description),
                          report::TextCell(fmt::format("{}", fmt::join(toggles, "; "))),
                          report::TextCell(info.reason)});
  }
  std::cout << report::Render(table, *format);
  if (any_toggle && *format == report::OutputFormat::kTable) {
    std::cout << "Run with a toggle: edgebench run --opt NAME; compare: --opt none --opt NAME\n";
  }
  if (*format == report::OutputFormat::kTable) {
    std::cout << "Every backend also takes the graph passes --opt fold-bn, --opt prune=F "
                 "and --opt prune-channels=F (0 < F < 1)\n";
  }
  return kExitOk;
}

}  // namespace

Command AddBackendsCommand(CLI::App& app) {
  auto options = std::make_shared<BackendsOptions>();
  CLI::App* sub = app.add_subcommand("backends", "List backends: availability, version, reason");
  sub->add_option("--format", options->format, "Output format: table, csv, json or md")
      ->check(CLI::IsMember({"table", "csv", "json", "md"}));
  sub->add_option("--plugin-dir", options->plugin_dir, "Where backend plugins are looked up");
  return {sub, [options] { return RunBackends(*options); }};
}

}  // namespace edgebench::cli
