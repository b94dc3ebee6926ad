#include "report/report_scripts.h"

namespace edgebench::report {

std::string_view VegaLoaderScript() {
  return R"js((function () {
  var modules = {};
  var current = null;
  function define(deps, factory) {
    var exports = {};
    factory.apply(null, deps.map(function (d) { return d === 'exports' ? exports : modules[d]; }));
    modules[current] = exports;
  }
  define.amd = true;
  window.define = define;
  window.__edgebench = {
    module: function (name) { current = name; },
    finish: function () {
      delete window.define;
      var vega = {};
      Object.keys(modules).forEach(function (name) { Object.assign(vega, modules[name]); });
      var transforms = modules['vega-dataflow'].transforms;
      ['vega-transforms', 'vega-view-transforms', 'vega-encode', 'vega-geo', 'vega-force',
       'vega-label', 'vega-hierarchy', 'vega-regression', 'vega-voronoi', 'vega-wordcloud',
       'vega-crossfilter'].forEach(function (name) {
        if (modules[name]) Object.assign(transforms, modules[name]);
      });
      window.vega = vega;
    }
  };
})();
)js";
}

std::string_view DrawFiguresScript() {
  return R"js((function () {
  var errors = [];
  function note(message) {
    errors.push(String(message));
    document.body.dataset.errors = String(errors.length);
  }
  window.addEventListener('error', function (e) { note(e.message); });
  async function draw() {
    var figures = document.querySelectorAll('[data-figure]');
    for (var i = 0; i < figures.length; ++i) {
      var el = figures[i];
      var chart = el.querySelector('.chart');
      try {
        var spec = JSON.parse(document.getElementById('spec-' + el.dataset.figure).textContent);
        var view = new vega.View(vega.parse(spec), {renderer: 'svg', container: chart, hover: true});
        await view.runAsync();
        var marks = chart.querySelectorAll('.role-mark path, .role-mark line, .role-mark text').length;
        el.dataset.marks = String(marks);
        el.dataset.drawn = marks > 0 ? 'yes' : 'empty';
      } catch (e) {
        console.error('figure ' + el.dataset.figure + ': ' + e);
        el.dataset.drawn = 'error';
        el.dataset.error = String(e);
        note(e);
      }
    }
    document.body.dataset.errors = String(errors.length);
    document.body.dataset.done = 'yes';
  }
  draw();
})();
)js";
}

std::string_view NodeSvgScript() {
  return R"js(const fs = require('fs');
const path = require('path');
const [vegaDir, figuresDir, ...entries] = process.argv.slice(1);
const modules = {};
for (const entry of entries) {
  const [name, file] = entry.split('=');
  const source = fs.readFileSync(path.join(vegaDir, file), 'utf8');
  const define = (deps, factory) => {
    const exports = {};
    factory(...deps.map((d) => (d === 'exports' ? exports : modules[d])));
    modules[name] = exports;
  };
  define.amd = true;
  new Function('define', 'exports', 'module', 'require', source)(define, undefined, undefined,
                                                                 undefined);
}
const vega = Object.assign({}, ...Object.values(modules));
for (const name of ['vega-transforms', 'vega-view-transforms', 'vega-encode', 'vega-geo',
                    'vega-force', 'vega-label', 'vega-hierarchy', 'vega-regression',
                    'vega-voronoi', 'vega-wordcloud', 'vega-crossfilter']) {
  if (modules[name]) Object.assign(modules['vega-dataflow'].transforms, modules[name]);
}
(async () => {
  for (const file of fs.readdirSync(figuresDir).filter((f) => f.endsWith('.vg.json')).sort()) {
    const spec = JSON.parse(fs.readFileSync(path.join(figuresDir, file), 'utf8'));
    const view = new vega.View(vega.parse(spec), {renderer: 'none'});
    const svg = await view.toSVG();
    const out = path.join(figuresDir, file.replace(/\.vg\.json$/, '.svg'));
    fs.writeFileSync(out, svg);
    console.log(out);
  }
})().catch((e) => {
  console.error(String(e && e.stack || e));
  process.exit(1);
});
)js";
}

}  // namespace edgebench::report
