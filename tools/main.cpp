// townsite: the command. A thin main: global options, the subcommands, one catch.
#include "geo/error.h"
#include "geo/parallel.h"
#include "geo/text.h"
#include "tools/command.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal.h>
#include <sys/resource.h>
#include <unistd.h>
#if TOWNSITE_TCMALLOC
#include <gperftools/malloc_extension_c.h>
#endif

#include <algorithm>
#include <cctype>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <ostream>
#include <string>
#include <vector>

namespace townsite::tools {

namespace {

// Ctrl-C (SIGINT) and SIGTERM ask the running step to stop: the next progress report says so, the
// step throws Cancelled, and the writers' destructors remove their temporary files. A second signal
// ends the process at once.
std::atomic<bool> g_interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void on_signal(int signal) {
    g_interrupted = true;
    std::signal(signal, SIG_DFL);
}

void catch_interrupts() {
    // A background job of a non-interactive shell has SIGINT ignored: it stays ignored.
    if (std::signal(SIGINT, on_signal) == SIG_IGN) std::signal(SIGINT, SIG_IGN);
    std::signal(SIGTERM, on_signal);
}

int show_bar = 1;
int report_progress(double fraction, const char* message, void* data) {
    if (data) GDALTermProgress(fraction, message, nullptr);
    return g_interrupted ? FALSE : TRUE;
}

}  // namespace

Progress Globals::make_progress() const {
    // The callback always runs (it carries the cancellation); the bar only on a terminal or with --progress.
    const bool bar = !quiet && (progress || isatty(STDERR_FILENO));
    return {report_progress, bar ? &show_bar : nullptr};
}

void Globals::note(const std::string& text) const {
    if (!quiet) std::cerr << "townsite: note: " << text << "\n";
}

namespace {
double now_s() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
}  // namespace

namespace {
// CPU seconds of every thread of the process so far, and its peak resident memory (MiB).
double cpu_s() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}
double peak_mib() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_maxrss) / 1024;   // Linux: KiB
}
}  // namespace

StepTimer::StepTimer(const Globals& globals) : m_globals(globals), m_start(now_s()), m_cpu(cpu_s()) {}

void StepTimer::done(const std::string& step) {
#if TOWNSITE_TCMALLOC
    // What the step freed goes back to the system before the next step allocates its own.
    MallocExtension_ReleaseFreeMemory();
#endif
    const double t = now_s(), cpu = cpu_s();
    m_steps.emplace_back(step, t - m_start);
    if (m_globals.verbose > 0 && !m_globals.quiet)
        std::fprintf(stderr, "townsite: %-36s %8.2f s wall %8.2f s CPU  peak %6.0f MiB\n", step.c_str(), t - m_start, cpu - m_cpu, peak_mib());
    m_start = t, m_cpu = cpu;
}

namespace {

// -f: a GDAL driver that writes vector data, else a usage error listing those that do.
const CLI::Validator& writable_vector_driver() {
    static const CLI::Validator v(
        [](std::string& name) -> std::string {
            std::vector<std::string> writable;
            for (int i = 0; i < GDALGetDriverCount(); ++i) {
                GDALDriverH d = GDALGetDriver(i);
                if (GDALGetMetadataItem(d, GDAL_DCAP_VECTOR, nullptr) && GDALGetMetadataItem(d, GDAL_DCAP_CREATE, nullptr))
                    writable.push_back(GDALGetDriverShortName(d));
            }
            if (name.empty() || std::find(writable.begin(), writable.end(), name) != writable.end()) return {};
            std::string problem = "GDAL has no driver \"" + name + "\" that writes vector data" + did_you_mean(name, writable);
            problem += "; the drivers that do: ";
            problem += join(writable);
            return problem;
        },
        "DRIVER");
    return v;
}

}  // namespace

void add_study_args(CLI::App* cmd, StudyArgs& args, Writes writes, const std::string& default_output) {
    cmd->add_option("CONFIG", args.config, "Study config (TOML); default: the bundled sample");
    if (writes == Writes::Nothing) return;
    OutputArgs& out = args.out;
    out.path = default_output;
    cmd->add_option("-o,--output", out.path,
                    writes == Writes::Layers   ? "Output file, or a PostGIS database (\"PG:dbname=... host=...\")"
                    : writes == Writes::Folder ? "Output folder"
                                               : "Output file")
        ->capture_default_str();
    if (writes == Writes::Layers)
        cmd->add_option("-f,--format", out.format,
                        "GDAL driver (GPKG, GeoJSON, FlatGeobuf, ESRI Shapefile, CSV, XLSX, PostgreSQL, ...); default: from the name")
            ->check(writable_vector_driver());
    if (writes == Writes::Table)
        cmd->add_option("-f,--format", out.format, "GDAL driver (CSV, XLSX, ODS, GPKG, PostgreSQL, ...); default: from the name")
            ->check(writable_vector_driver());
    if (writes == Writes::Folder) {
        out.format = "GPKG";
        cmd->add_option("-f,--format", out.format,
                        "GDAL vector driver of the layers: GPKG (one styled file), or GeoJSON, FlatGeobuf, ESRI Shapefile, ... (one file "
                        "per layer, each with its .qml style)")
            ->capture_default_str()
            ->check(writable_vector_driver());
    }
    if (writes == Writes::Layers || writes == Writes::Folder)
        cmd->add_option("--t_srs", out.t_srs, "CRS of the written geometries (GDAL's -t_srs), or \"working\" for the study's")
            ->capture_default_str();
    cmd->add_flag("--overwrite", out.overwrite,
                  writes == Writes::Folder ? "Replace the output folder (and with --db the tables) if they exist, only once the new outputs are complete"
                                           : "Replace the output if it exists");
    if (writes != Writes::Table) add_lang_option(cmd, out.lang);
}

void add_lang_option(CLI::App* cmd, Lang& lang) {
    cmd->add_option_function<std::string>(
           "--lang", [&lang](const std::string& v) { lang = v == "en" ? Lang::en : v == "both" ? Lang::both : Lang::zh; },
           "Language of what people read (report, town pages, workbook, QGIS titles, legends and field aliases): zh (中文), en, or both; "
           "field names stay as they are")
        ->check(CLI::IsMember({"zh", "en", "both"}))
        ->type_name("zh|en|both")
        ->default_str("zh");
}

std::string written_text(const OutputDataset& out) {
    std::string shp;
    for (const std::string& f : out.files())
        if (f.size() > 4 && f.compare(f.size() - 4, 4, ".shp") == 0) shp += (shp.empty() ? "" : ", ") + f;
    if (out.driver() != "ESRI Shapefile" || shp.empty()) return out.path() + " (" + out.driver() + ")";
    return shp + " (ESRI Shapefile, each with .shx, .dbf, .prj and .cpg)" +
           (out.cut_texts() ? "; warning: " + std::to_string(out.cut_texts()) +
                                  " texts longer than a Shapefile's 254 bytes were cut (ending in …): write GPKG to keep them whole"
                            : "");
}

void print_graph_report(const GraphReport& r, std::ostream& os) {
    os << "Road graph: " << r.features << " road features, " << r.nodes << " nodes, " << r.pieces << " edges ("
       << r.arcs << " one-way arcs), " << fmt(r.total_km, 0) << " km\n";
    if (r.multipart_lines) os << "  " << r.multipart_lines << " multi-part lines split into their parts\n";
    if (r.zero_length_dropped) os << "  " << r.zero_length_dropped << " zero-length lines dropped\n";
    if (r.duplicates_dropped)
        os << "  " << r.duplicates_dropped << " duplicated stretches merged (" << r.duplicates_other_speed
           << " of them at two speeds: the faster kept)\n";
    if (r.crossings_noded) os << "  " << r.crossings_noded << " crossings joined (node_crossings = true)\n";
    if (r.not_for_cars) os << "  " << r.not_for_cars << " roads not for motor vehicles left out (speed 0)\n";
    if (r.ferries_left_out)
        os << "  " << r.ferries_left_out << " ferry routes left out; to use them give [network.speeds] ferry = 10 (km/h)\n";
    if (r.reversible_left_out) os << "  " << r.reversible_left_out << " reversible roads left out (one way at a time)\n";
    if (r.bad_speed_values) os << "  warning: " << r.bad_speed_values << " roads with a speed_kmh of zero, negative or over 200 use their class speed\n";
    if (r.oneway_unknown) os << "  warning: " << r.oneway_unknown << " roads with an unknown oneway value are driven both ways\n";
    for (const auto& [cls, n] : r.unknown_classes)
        os << "  warning: " << n << " roads of unknown class \"" << cls
           << "\" use the fallback speed. Fix: give the class a speed in [network.speeds], e.g. \"" << cls << "\" = 40.\n";
}

void require_one_of(const std::string& what, const std::string& given, const std::vector<std::string>& choices) {
    if (std::find(choices.begin(), choices.end(), given) != choices.end()) return;
    throw Error("there is no " + what + " \"" + given + "\"" + did_you_mean(given, choices)).with_hint("give one of: " + join(choices) + ".");
}

namespace {

// The long option names (without dashes) of an app and every subcommand, or of one command and
// the global options.
void add_long_names(const CLI::App& app, std::vector<std::string>& names) {
    for (const CLI::Option* o : app.get_options())
        for (const std::string& n : o->get_lnames())
            if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
}

std::vector<std::string> command_names(CLI::App& app) {
    std::vector<std::string> names;
    for (const CLI::App* c : app.get_subcommands([](CLI::App*) { return true; })) names.push_back(c->get_name());
    return names;
}

}  // namespace

std::optional<std::string> read_command_line(CLI::App& app, std::vector<std::string>& args) {
    // The command: the first word that is neither an option nor the value of a global option given
    // before it (--threads 2 run; -threads 2 as GDAL spells it; --threads=2 holds its own).
    CLI::App* command = nullptr;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (!a.empty() && a[0] == '-') {
            if (a.find('=') != std::string::npos) continue;
            const CLI::Option* global = app.get_option_no_throw(a.size() > 2 && a[1] != '-' ? "-" + a : a);
            if (global && global->get_items_expected_min() > 0) ++i;   // its value
            continue;
        }
        for (CLI::App* c : app.get_subcommands([](CLI::App*) { return true; }))
            if (c->check_name(a)) command = c;
        if (!command) return "there is no command \"" + a + "\"" + did_you_mean(a, command_names(app)) + "; the commands are " +
                             join(command_names(app)) + " (townsite --help lists them)";
        break;
    }
    std::vector<std::string> known;   // the long options one may give here
    add_long_names(app, known);
    if (command) add_long_names(*command, known);
    else
        for (CLI::App* c : app.get_subcommands([](CLI::App*) { return true; })) add_long_names(*c, known);
    for (std::string& a : args) {
        if (a.size() < 3 || a[0] != '-' || (!std::isalpha(static_cast<unsigned char>(a[1])) && a[1] != '-')) continue;
        const bool single = a[1] != '-';
        const std::string name = a.substr(single ? 1 : 2, a.find('=') == std::string::npos ? std::string::npos : a.find('=') - (single ? 1 : 2));
        if (std::find(known.begin(), known.end(), name) != known.end()) {
            if (single) a = "-" + a;   // GDAL's spelling (-overwrite, -t_srs) of a long option
            continue;
        }
        // "-overwrite" misspelt would otherwise be -o with the value "vrewrite"; an unknown "--name" a bare CLI11 error.
        const std::string near = name.size() >= 4 ? closest_word(name, known) : "";
        if (!near.empty())
            return "there is no option \"" + a + "\" (did you mean \"--" + near + "\"?)" +
                   (single ? "; a one-letter option takes its value after a space, e.g. -o PATH" : "");
        if (!single) return "there is no option \"" + a + "\"" + (command ? " for townsite " + command->get_name() : std::string()) +
                            "; `townsite " + (command ? command->get_name() + " " : std::string()) + "--help` lists the options";
    }
    return std::nullopt;
}

std::string config_or_sample(const std::string& given) {
    return given.empty() ? std::string(TOWNSITE_SAMPLE_CONFIG) : given;
}

}  // namespace townsite::tools

int main(int argc, char** argv) {
    using namespace townsite::tools;
    GDALAllRegister();

    Globals globals;
    CLI::App app{"townsite: choose rural-revitalisation demonstration towns and show their infrastructure gaps.\n"
                 "With no CONFIG, every command runs on the bundled sample province (sample_data/jilin.toml).",
                 "townsite"};
    app.require_subcommand(1);
    app.fallthrough();   // global options may also follow the subcommand: townsite select -q ...
    app.set_version_flag("--version", std::string("townsite ") + TOWNSITE_VERSION);
    app.add_flag("-q,--quiet", globals.quiet,
                 "No progress bar, no notes and no summary of what a command wrote (the files are its result); errors still "
                 "show, and inspect, fields and config still print what they are asked for");
    app.add_flag("-v,--verbose", globals.verbose, "More detail (timings per step)");
    app.add_flag("--progress", globals.progress, "Show the progress bar even when stderr is not a terminal");
    app.add_option("--threads", globals.threads,
                   "Threads for the steps that share out their work (default: every core). The outputs are the same whatever the number")
        ->check(CLI::Range(1, 256));
    app.add_flag("--debug", globals.debug, "Show GDAL's own messages and where errors were raised");
    app.footer("Exit codes: 0 success, 1 bad input or config, 2 usage error, 3 internal error, 130 cancelled (Ctrl-C or SIGTERM).\n"
               "Run 'townsite COMMAND --help' for a command's options and examples.");

    Runner run;
    add_run(app, globals, run);
    add_inspect(app, globals, run);
    add_access(app, globals, run);
    add_od(app, globals, run);
    add_coverage(app, globals, run);
    add_score(app, globals, run);
    add_select(app, globals, run);
    add_report(app, globals, run);
    add_compare(app, globals, run);
    add_review(app, globals, run);
    add_fields(app, globals, run);
    add_config(app, globals, run);

    std::vector<std::string> args(argv + 1, argv + argc);
    if (const auto problem = read_command_line(app, args)) {
        std::cerr << "townsite: " << *problem << ".\n";
        return kUsage;
    }
    std::reverse(args.begin(), args.end());

    try {
        app.parse(args);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? kOk : kUsage;
    }
    if (!globals.debug) CPLSetErrorHandler(CPLQuietErrorHandler);
    if (globals.threads) townsite::set_thread_count(globals.threads);
    catch_interrupts();

    try {
        return run ? run() : kUsage;
    } catch (const townsite::Cancelled&) {
        std::cerr << "townsite: cancelled: nothing was written, and outputs that were there are as they were\n";
        return kCancelled;
    } catch (const townsite::Error& e) {
        std::cerr << "townsite: " << e.what() << "\n";
        return kBadInput;
    } catch (const std::exception& e) {
        std::cerr << "townsite: internal error: " << e.what()
                  << "\nThis is a bug in townsite; please report it with the command you ran.\n";
        return kInternal;
    }
}
