// The command registry: each cmd_<verb>.cpp adds one subcommand to the CLI11 app and binds each
// of its arguments once, to a field of its options. main parses, then runs the chosen command.
// Only tools/ parses arguments, prints, or picks exit codes.
#pragma once

#include "analysis/pipeline.h"
#include "geo/progress.h"
#include "geo/road_graph.h"
#include "geo/study.h"
#include "geo/writer.h"

#include <CLI/CLI.hpp>

#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace townsite::tools {

// Exit codes, as the README documents them.
enum Exit : int {
    kOk = 0,          // success; for inspect: the study is usable
    kBadInput = 1,    // bad input data or config (the message says what and how to fix it)
    kUsage = 2,       // bad command line
    kInternal = 3,    // a bug: please report it with the message
    kCancelled = 130, // Ctrl-C or SIGTERM: the step stopped, nothing was written (128 + SIGINT, as shells report it)
};

struct Globals {
    bool quiet = false;
    int verbose = 0;
    bool debug = false;
    bool progress = false;  // force the progress bar even when stderr is not a terminal
    unsigned threads = 0;   // --threads: 0 every core

    Progress make_progress() const;
    // A note on stderr ("townsite: note: ..."), unless -q.
    void note(const std::string& text) const;
};

// With -v, says on stderr how long each step took (wall and CPU time) and the peak memory so far.
class StepTimer {
public:
    explicit StepTimer(const Globals& globals);
    void done(const std::string& step);
    StepDone callback() { return [this](const std::string& step) { done(step); }; }   // for the pipeline's steps
    const std::vector<std::pair<std::string, double>>& steps() const { return m_steps; }   // step, seconds

private:
    const Globals& m_globals;
    double m_start, m_cpu;
    std::vector<std::pair<std::string, double>> m_steps;
};

// "PATH (DRIVER)", or for Shapefiles every layer's .shp (each with its side-car files).
std::string written_text(const OutputDataset& out);
// What building the graph found and did (every command that routes prints it).
void print_graph_report(const GraphReport& report, std::ostream& os);

// Reads the config and checks every section of it (layers, network, access, coverage, proximity,
// types, scoring, selection, scenarios), whichever command runs; all problems in one Error.
StudyConfig load_checked_config(const std::string& path);

// GDAL's spelling of long options with one dash (-overwrite, -t_srs) made CLI11's (--overwrite), and
// the mistakes CLI11 would misread or report bare: an unknown command, an unknown option, and a
// misspelt one-dash option (-ovrewrite would be -o "vrewrite"), each with "did you mean". Returns
// the problem, or nothing when the arguments may be parsed.
std::optional<std::string> read_command_line(CLI::App& app, std::vector<std::string>& args);

// The config a command reads: the one given, else the bundled sample's.
std::string config_or_sample(const std::string& given);

using Runner = std::function<int()>;

// Where and how a command writes its layers (GDAL-style: -o, -f, -t_srs, --overwrite).
struct OutputArgs {
    std::string path;
    std::string format;
    std::string t_srs = "EPSG:4326";
    bool overwrite = false;
    Lang lang = Lang::zh;   // of what a person reads: aliases, legends, titles, the report and the workbook
};
// What OutputDataset takes from them.
inline OutputOptions output_options(const OutputArgs& out) { return {out.format, out.t_srs, out.overwrite, {}, out.lang}; }
// --lang zh|en|both, as every command that writes for people declares it.
void add_lang_option(CLI::App* cmd, Lang& lang);

// What a command writes: nothing (inspect), layers into one file or a PostGIS database, a table
// without geometry (od: no -t_srs), the run's folder of deliverables, or one file (the report).
enum class Writes { Nothing, Layers, Table, Folder, File };

// The arguments every command that reads a study shares, declared once: CONFIG (default: the
// bundled sample) and, for what it writes, -o and --overwrite, with -f (checked against GDAL's
// writable vector drivers: a usage error otherwise) for layers and tables, and -t_srs for layers.
struct StudyArgs {
    std::string config;
    OutputArgs out;
    // The config, read and checked in every section (all problems in one Error) before any work.
    StudyConfig load() const { return load_checked_config(config_or_sample(config)); }
};
void add_study_args(CLI::App* cmd, StudyArgs& args, Writes writes = Writes::Nothing, const std::string& default_output = "");

// Throws Error when `given` is not among `choices`: "there is no <what> "x" (did you mean "y"?)", with the list.
void require_one_of(const std::string& what, const std::string& given, const std::vector<std::string>& choices);

// Adds the subcommand; sets `run` when it is the one chosen.
void add_inspect(CLI::App& app, const Globals& globals, Runner& run);
void add_access(CLI::App& app, const Globals& globals, Runner& run);
void add_od(CLI::App& app, const Globals& globals, Runner& run);
void add_coverage(CLI::App& app, const Globals& globals, Runner& run);
void add_score(CLI::App& app, const Globals& globals, Runner& run);
void add_select(CLI::App& app, const Globals& globals, Runner& run);
void add_run(CLI::App& app, const Globals& globals, Runner& run);
void add_report(CLI::App& app, const Globals& globals, Runner& run);
void add_compare(CLI::App& app, const Globals& globals, Runner& run);
void add_review(CLI::App& app, const Globals& globals, Runner& run);
void add_fields(CLI::App& app, const Globals& globals, Runner& run);
void add_config(CLI::App& app, const Globals& globals, Runner& run);

}  // namespace townsite::tools
