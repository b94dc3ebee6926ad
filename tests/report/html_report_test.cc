// Loading Debian's Vega without a bundler: the module order and names, and a clear error
// when libjs-vega is missing.
#include "report/html_report.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace edgebench::report {
namespace {

namespace fs = std::filesystem;

TEST(VegaModules, EachModuleComesAfterWhatItRequires) {
  const fs::path dir = "/usr/share/javascript/vega";
  if (!fs::exists(dir / "vega-view.min.js")) GTEST_SKIP() << "libjs-vega not installed";
  const std::vector<VegaModule> order = VegaModuleOrder(dir);
  auto position = [&](const std::string& name) {
    return std::find_if(order.begin(), order.end(),
                        [&](const VegaModule& m) { return m.name == name; }) -
           order.begin();
  };
  const auto n = static_cast<long>(order.size());
  ASSERT_LT(position("vega-util"), n);
  EXPECT_LT(position("vega-util"), position("vega-dataflow"));
  EXPECT_LT(position("vega-dataflow"), position("vega-view"));
  EXPECT_LT(position("vega-functions"), position("vega-parser"));
  // Debian names vega-selections' file vega-selection.min.js; vega-functions needs it.
  ASSERT_LT(position("vega-selections"), n);
  EXPECT_EQ(order[static_cast<size_t>(position("vega-selections"))].file, "vega-selection.min.js");
  EXPECT_LT(position("vega-selections"), position("vega-functions"));
  // Voronoi needs d3-delaunay, which Debian ships elsewhere: left out, not broken.
  EXPECT_EQ(position("vega-voronoi"), n);
}

TEST(VegaModules, AMissingVegaNamesThePackage) {
  const fs::path dir = fs::temp_directory_path() / ("no_vega_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "vega-util.min.js") << "define([\"exports\"],function(e){})";
  try {
    VegaModuleOrder(dir);
    FAIL() << "no error without vega-view";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("libjs-vega"), std::string::npos) << error.what();
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace edgebench::report
