#include "report/html_report.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>

#include "report/report_scripts.h"

extern char** environ;

namespace edgebench::report {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteFile(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error(fmt::format("cannot write {}", path.string()));
}

std::string Escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// JSON safe inside <script>: "</" never appears (JSON reads "<\/" as "</").
std::string JsonInScript(std::string text) {
  for (size_t at = text.find("</"); at != std::string::npos; at = text.find("</", at + 3)) {
    text.replace(at, 2, "<\\/");
  }
  return text;
}

// JavaScript safe inside <script>: only "</script" would end the element early, and
// only inside a string can it occur in valid code, where "<\/script" means the same.
std::string CodeInScript(std::string text) {
  for (size_t at = text.find("</script"); at != std::string::npos;
       at = text.find("</script", at + 3)) {
    text.replace(at, 2, "<\\/");
  }
  return text;
}

std::string HtmlTable(const Table& table) {
  std::string html = "<table><thead><tr>";
  for (const Column& c : table.columns) html += "<th>" + Escape(c.header) + "</th>";
  html += "</tr></thead><tbody>";
  for (const auto& row : table.rows) {
    html += "<tr>";
    for (size_t i = 0; i < row.size(); ++i) {
      html += table.columns[i].right_aligned ? "<td class=\"num\">" : "<td>";
      html += Escape(row[i].text) + "</td>";
    }
    html += "</tr>";
  }
  return html + "</tbody></table>";
}

// The node executable on PATH, or empty.
std::string FindOnPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    const fs::path candidate = fs::path(dir.empty() ? "." : dir) / name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return "";
}

// Runs argv; returns its exit status (or -1) and its stderr text.
int Run(const std::vector<std::string>& argv, std::string& error_text, const fs::path& scratch) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, scratch.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, argv[0].c_str(), &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  int status = -1;
  if (spawned == 0) {
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  error_text = ReadFile(scratch);
  fs::remove(scratch);
  if (spawned != 0) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

std::vector<VegaModule> VegaModuleOrder(const fs::path& vega_dir) {
  std::map<std::string, std::vector<std::string>> requires_of;  // file stem -> requirements
  std::set<std::string> required;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(vega_dir, ec)) {
    const std::string file = entry.path().filename().string();
    static const std::regex module_file("^(vega-[a-z-]+)\\.min\\.js$");
    std::smatch name;
    if (!std::regex_match(file, name, module_file)) continue;
    const std::string source = ReadFile(entry.path());
    // The UMD header's AMD branch lists the module's dependencies.
    static const std::regex amd("define\\(\\[([^\\]]*)\\]");
    std::smatch deps;
    if (!std::regex_search(source, deps, amd)) continue;
    std::vector<std::string> needs;
    static const std::regex quoted("\"([a-z0-9-]+)\"");
    const std::string list = deps[1];
    for (auto it = std::sregex_iterator(list.begin(), list.end(), quoted);
         it != std::sregex_iterator(); ++it) {
      if ((*it)[1] == "exports") continue;
      needs.push_back((*it)[1]);
      required.insert((*it)[1]);
    }
    requires_of[name[1]] = needs;
  }
  for (const char* essential : {"vega-util", "vega-dataflow", "vega-parser", "vega-view"}) {
    if (!requires_of.contains(essential)) {
      throw std::runtime_error(fmt::format(
          "{} has no {}.min.js: install Debian's libjs-vega (scripts/install-deps does)",
          vega_dir.string(), essential));
    }
  }
  // A package whose file Debian named without its trailing 's' (vega-selections).
  std::map<std::string, std::string> name_of;
  for (const auto& [stem, needs] : requires_of) name_of[stem] = stem;
  for (const std::string& name : required) {
    if (!requires_of.contains(name) && name.size() > 1 && name.back() == 's' &&
        requires_of.contains(name.substr(0, name.size() - 1))) {
      name_of[name.substr(0, name.size() - 1)] = name;
    }
  }
  std::vector<VegaModule> order;
  std::set<std::string> placed;  // package names
  // Repeatedly place every module whose requirements are placed; what never becomes
  // placeable needs a library outside Vega and is left out.
  for (bool progress = true; progress;) {
    progress = false;
    for (const auto& [stem, needs] : requires_of) {
      if (placed.contains(name_of[stem])) continue;
      bool ready = true;
      for (const std::string& n : needs) ready = ready && placed.contains(n);
      if (!ready) continue;
      order.push_back({name_of[stem], stem + ".min.js"});
      placed.insert(name_of[stem]);
      progress = true;
    }
  }
  return order;
}

HtmlReportResult WriteHtmlReport(const std::vector<Figure>& figures, const ReportData& data,
                                 const fs::path& out_dir, const HtmlReportOptions& options) {
  const std::vector<VegaModule> modules = VegaModuleOrder(options.vega_dir);
  fs::create_directories(out_dir / "figures");
  fs::create_directories(out_dir / "tables");
  HtmlReportResult result;
  result.index = out_dir / "index.html";

  std::string body;
  std::string specs;
  std::string contents;
  for (const Figure& f : figures) {
    contents += fmt::format("<li><a href=\"#{}\">{}</a>{}</li>", f.id, Escape(f.title),
                            f.no_data.empty() ? "" : " <span class=\"nodata\">(no data)</span>");
    body += fmt::format("<section id=\"{}\"><h2>{}</h2><p class=\"caption\">{}</p>", f.id,
                        Escape(f.title), Escape(f.caption));
    if (!f.no_data.empty()) body += "<p class=\"nodata\">" + Escape(f.no_data) + "</p>";
    if (f.spec) {
      ++result.figures_drawn;
      const std::string json = f.spec->dump();
      WriteFile(out_dir / "figures" / (f.id + ".vg.json"), f.spec->dump(1));
      specs += fmt::format("<script type=\"application/json\" id=\"spec-{}\">{}</script>\n", f.id,
                           JsonInScript(json));
      body += fmt::format(
          "<div class=\"figure\" data-figure=\"{0}\"><div class=\"chart\"></div>"
          "<p class=\"files\">static image: <a href=\"figures/{0}.svg\">figures/{0}.svg</a>; "
          "data: <a href=\"tables/{0}.csv\">CSV</a>, <a href=\"tables/{0}.md\">Markdown</a></p>"
          "</div>",
          f.id);
    }
    if (!f.table.rows.empty()) {
      WriteFile(out_dir / "tables" / (f.id + ".csv"), Render(f.table, OutputFormat::kCsv));
      WriteFile(out_dir / "tables" / (f.id + ".md"), Render(f.table, OutputFormat::kMarkdown));
      body += "<details><summary>the numbers</summary>" + HtmlTable(f.table) + "</details>";
    }
    body += "</section>\n";
  }

  std::string sources;
  for (const std::string& db : data.databases) sources += "<code>" + Escape(db) + "</code> ";
  std::string html = R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>edgebench report</title>
<style>
body { font-family: sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }
h2 { border-bottom: 1px solid #ccc; padding-bottom: .2em; margin-top: 2em; }
.caption { color: #444; } .nodata { color: #a40; font-style: italic; }
.files { font-size: 85%; color: #666; }
table { border-collapse: collapse; font-size: 85%; margin: .5em 0; }
td, th { border: 1px solid #ddd; padding: 2px 6px; } td.num { text-align: right; }
.chart { overflow-x: auto; }
</style></head><body data-errors="0">
<h1>edgebench report</h1>
)";
  html += "<p>From " + sources +
          ". Latencies are medians (p50) over every sample of every worker process; whiskers "
          "are 95 % confidence intervals of the median; geometric means are labelled as "
          "such. Devices marked (paper) are the IISWC'19 study's published means.</p>\n<ol>" +
          contents + "</ol>\n" + body + specs;
  html += "<script>" + CodeInScript(std::string(VegaLoaderScript())) + "</script>\n";
  for (const VegaModule& module : modules) {
    html += "<script>__edgebench.module('" + module.name + "');</script><script>" +
            CodeInScript(ReadFile(options.vega_dir / module.file)) + "</script>\n";
  }
  html += "<script>__edgebench.finish();</script>\n<script>" +
          CodeInScript(std::string(DrawFiguresScript())) + "</script>\n</body></html>\n";
  WriteFile(result.index, html);

  if (!options.svg) {
    result.svg_note = "static images not asked for (--no-svg)";
    return result;
  }
  const std::string node = FindOnPath("node");
  if (node.empty()) {
    result.svg_note = "no static images: node is not installed (Debian package nodejs)";
    return result;
  }
  std::vector<std::string> argv{node,
                                "-e",
                                std::string(NodeSvgScript()),
                                "--",
                                options.vega_dir.string(),
                                (out_dir / "figures").string()};
  for (const VegaModule& module : modules) argv.push_back(module.name + "=" + module.file);
  std::string error;
  const int status = Run(argv, error, out_dir / ".node-stderr");
  if (status != 0) {
    result.svg_note =
        fmt::format("no static images: node exited with {}: {}", status, error.substr(0, 400));
    return result;
  }
  for (const Figure& f : figures) {
    if (f.spec && fs::exists(out_dir / "figures" / (f.id + ".svg"))) ++result.svg_written;
  }
  return result;
}

}  // namespace edgebench::report
