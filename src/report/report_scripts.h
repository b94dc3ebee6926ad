#pragma once

// The JavaScript the report runs: loading Debian's per-package Vega builds without a
// bundler, drawing each figure's spec, and (under node) writing each spec as SVG.

#include <string_view>

namespace edgebench::report {

/// Before the Vega modules: a minimal AMD define() collecting each UMD module's exports
/// under the name announced by `__edgebench.module(NAME)`; `__edgebench.finish()` then
/// assembles `window.vega` and registers the transforms as the vega package does.
std::string_view VegaLoaderScript();

/// After the modules: draws every `[data-figure]` element's spec as SVG, marks it
/// data-drawn="yes" (with data-marks = data marks drawn), "empty" or "error", and sets
/// body data-errors (count) and data-done="yes" when finished.
std::string_view DrawFiguresScript();

/// For `node -e SCRIPT -- VEGA_DIR FIGURES_DIR NAME=FILE...`: loads the modules in the order
/// given, then renders FIGURES_DIR/*.vg.json to *.svg beside them; prints one line per file.
std::string_view NodeSvgScript();

}  // namespace edgebench::report
