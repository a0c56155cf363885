// townsite run [CONFIG] [-o OUTDIR]: every step, and the deliverables: the GeoPackage (styled), the
// QGIS project, the HTML report, the towns table as CSV and XLSX, and the manifest.
// townsite report [CONFIG] [-o FILE]: the same steps, only the report.
#include "analysis/report.h"
#include "analysis/town_pages.h"
#include "geo/checksum.h"
#include "geo/error.h"
#include "geo/layer.h"
#include "geo/parallel.h"
#include "tools/decision.h"
#include "tools/layers_out.h"
#include "tools/qgis_project.h"
#include "tools/workbook.h"

#include <cpl_conv.h>
#include <gdal.h>
#include <ogr_spatialref.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <sstream>
#include <iostream>
#include <map>

namespace townsite::tools {

namespace {

namespace fs = std::filesystem;

struct RunArgs {
    StudyArgs study;
    std::string database;  // --db: the layers into PostGIS
    SensitivityArgs sensitivity;
};

// Everything the steps produce, computed once.
struct Results {
    StudyConfig config;
    SensitivityOptions sensitivity;
    std::unique_ptr<Decision> decision;
    DecisionRun run;
    std::vector<Work> works;   // of the demonstration towns
};

Results compute_all(StudyConfig config, const SensitivityArgs& sensitivity, const Progress& progress, StepTimer& timer) {
    Results r;
    r.config = std::move(config);
    r.sensitivity = sensitivity.resolved();
    r.decision = compute_decision(r.config, read_study_options(r.config), progress.slice(0, 0.6), timer.callback(), true);
    r.run = run_selection(*r.decision, r.sensitivity, progress.slice(0.6, 0.85), timer.callback());
    const Decision& d = *r.decision;
    r.works = works_list(d.settlements, r.run.selection.tier_of, d.coverage ? &*d.coverage : nullptr, d.access, d.services, d.options.access,
                         d.options.costs);
    return r;
}

ReportInput report_input(const Results& r, Lang lang) {
    const Decision& d = *r.decision;
    ReportInput in;
    in.lang = lang;
    in.study = &d.routed.study;
    in.graph = &d.routed.graph;
    in.access = &d.access;
    in.services = &d.services;
    in.works = &r.works;
    in.villages = &d.settlements.villages;
    in.heritage_radius_km = d.options.proximity.heritage_radius_km;
    in.coverage_options = &d.options.coverage;
    in.coverage = d.coverage ? &*d.coverage : nullptr;
    in.land = d.land ? &*d.land : nullptr;
    in.land_radius_km = d.options.land.radius_km;
    in.table = &d.table;
    in.scoring = &d.options.scoring;
    in.scores = &d.scores;
    in.types = &d.types;
    in.selection_options = &d.options.selection;
    in.selection = &r.run.selection;
    in.sensitivity = r.run.sensitivity ? &*r.run.sensitivity : nullptr;
    for (const Scenario& s : d.options.scenarios) in.scenario_names.push_back(scenario_words(s));
    in.scenario_tiers = r.run.scenario_tiers;
    in.version = TOWNSITE_VERSION_TEXT;
    return in;
}

// prefectures and counties with what was selected in them and their gaps.
void write_units(OutputDataset& out, const Results& r, const std::string& role) {
    const Decision& d = *r.decision;
    const TownTable& t = d.table;
    const Selection& sel = r.run.selection;
    const auto& tiers = d.options.selection.tiers;
    Fields fields(role);
    fields.add({"id", "name"});
    if (role == "counties") fields.add({"prefecture"});
    fields.add({"towns", "eligible"});
    for (const auto& tier : tiers) fields.add("n_{tier}", {tier.key, tier.name_zh, tier.name_en});
    for (const auto& u : utility_names())
        for (std::string_view family : {"gap_towns_{utility}", "gap_km2_{utility}", "ext_km_{utility}"}) fields.add(family, fill_of("{utility}", u));
    fields.add({"shortfall"});
    OutputLayer& layer = out.layer(role, wkbMultiPolygon, fields);
    const bool county = role == "counties";
    std::vector<std::string> ids;
    for (const Layer* l : d.routed.study.role(role))
        for (const Feature& f : l->features) ids.push_back(f.id);
    const auto units = summarise_units(each(t.towns, county ? &Settlement::county : &Settlement::prefecture), sel, tiers.size(), &*d.coverage, ids);
    for (const Layer* l : d.routed.study.role(role))
        for (const Feature& f : l->features) {
            const UnitSummary& unit = units.at(f.id);
            std::vector<FieldValue> v = {f.id, l->text(f, "name")};
            if (county) v.push_back(l->text(f, "prefecture"));
            v.push_back(std::int64_t(unit.towns));
            v.push_back(std::int64_t(unit.eligible));
            for (auto c : unit.per_tier) v.push_back(std::int64_t(c));
            for (const auto& u : utility_names()) v.insert(v.end(), {std::int64_t(unit.gap_towns.at(u)), unit.gap_km2.at(u), unit.extension_km.at(u)});
            std::string shortfall;
            for (const Shortfall& s : sel.shortfalls)
                if (s.unit == l->text(f, "name"))
                    shortfall += (shortfall.empty() ? "" : "; ") + s.tier + ": short by " + std::to_string(s.needed - s.available) + " (" + s.why.en + ")";
            v.push_back(shortfall);
            layer.add(v, f.geom.get());
        }
}

struct LayerPlan {
    std::string name, title, group;
    std::function<void(OutputDataset&)> write;
};

std::vector<LayerPlan> plan_layers(const Results& r, Lang lang) {
    const Decision& d = *r.decision;
    const Study& study = d.routed.study;
    const Say T{lang};
    const std::string decision = T("决策", "decision"), gaps = T("基础设施缺口", "infrastructure gaps"), access = T("可达性", "accessibility"),
                      roads = T("道路问题", "road problems"), base = T("底图", "base");
    std::vector<LayerPlan> p = {
        {"demo_towns", T("示范镇", "demonstration towns"), decision, [&](OutputDataset& o) { write_demo_towns(o, d, r.run); }},
        {"towns", T("乡镇（得分）", "towns by score"), decision, [&](OutputDataset& o) { write_towns(o, d, &r.run); }}};
    if (!d.options.scenarios.empty())
        p.push_back({"scenario_tiers", T("情景比较", "scenarios"), decision, [&](OutputDataset& o) { write_scenario_tiers(o, d, r.run); }});
    p.push_back({"coverage_gaps", T("基础设施缺口", "coverage gaps"), gaps, [&](OutputDataset& o) { write_gaps(o, *d.coverage, d.table.towns); }});
    p.push_back({"network_extensions", T("管网延伸", "network extensions"), gaps, [&](OutputDataset& o) { write_extensions(o, *d.coverage, d.table.towns); }});
    p.push_back({"works", T("项目清单", "works list"), gaps, [&](OutputDataset& o) { write_works(o, d, r.run, r.works); }});
    p.push_back({"villages", T("行政村", "villages"), gaps, [&](OutputDataset& o) { write_villages(o, d.settlements, &d.access, &*d.coverage, &d.services); }});
    p.push_back({"isochrones", T("等时圈", "isochrones"), access, [&](OutputDataset& o) { write_isochrones(o, d.access); }});
    p.push_back({"road_dead_ends", T("断头路", "dead ends"), roads, [&](OutputDataset& o) { write_dead_ends(o, study, d.access, d.settlements.towns); }});
    p.push_back({"dead_end_links", T("断头路打通建议", "dead-end links"), roads, [&](OutputDataset& o) { write_dead_end_links(o, study, d.access, d.settlements.towns); }});
    p.push_back({"road_components", T("路网连通分量", "road network pieces"), roads, [&](OutputDataset& o) { write_components(o, d.routed.graph, d.access); }});
    p.push_back({"roads", T("道路", "roads"), base, [&](OutputDataset& o) { write_roads(o, study, d.routed.graph); }});
    p.push_back({"counties", T("县（市、区）", "counties"), base, [&](OutputDataset& o) { write_units(o, r, "counties"); }});
    p.push_back({"prefectures", T("市（州）", "prefectures"), base, [&](OutputDataset& o) { write_units(o, r, "prefectures"); }});
    return p;
}

std::string utc_now() {
    const std::time_t now = std::time(nullptr);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
    return buf;
}

nlohmann::json manifest(const Results& r, const StepTimer& timer, const OutputFolder& folder, const std::vector<std::string>& outputs) {
    using nlohmann::json;
    const Decision& d = *r.decision;
    json m;
    m["townsite"] = TOWNSITE_VERSION_TEXT;
    m["created"] = utc_now();
    std::string config_text;
    {
        std::ifstream in(r.config.path, std::ios::binary);
        std::stringstream s;
        s << in.rdbuf();
        config_text = s.str();
    }
    std::stringstream as_used;   // after [study] extends: every section the run read
    as_used << r.config.table;
    // Every declared option with the value the run used, defaults included: a config that gives the same run.
    toml::table options;
    options.insert_or_assign("network", network_option_table().as_toml(d.routed.graph.options));
    options.insert_or_assign("access", access_option_table().as_toml(d.options.access));
    options.insert_or_assign("coverage", coverage_option_table().as_toml(d.options.coverage));
    options.insert_or_assign("proximity", proximity_option_table().as_toml(d.options.proximity));
    options.insert_or_assign("land", land_option_table().as_toml(d.options.land));
    options.insert_or_assign("services", service_option_table().as_toml(d.options.services));
    options.insert_or_assign("scoring", scoring_option_table().as_toml(d.options.scoring));
    options.insert_or_assign("selection", selection_option_table().as_toml(d.options.selection));
    TownTypeOptions types = d.options.types;   // the fallback is the last entry, as a config writes it
    types.rules.push_back(types.fallback);
    options.insert_or_assign("town_types", *town_type_option_table().as_toml(types).get("town_types"));
    std::stringstream options_text;
    options_text << options;
    m["config"] = {{"path", r.config.path}, {"sha256", sha256_text(config_text)}, {"text", config_text}, {"as_used", as_used.str()},
                   {"options", options_text.str()}};
    // Many layers come from one file (the sample: 22 layers, one GeoPackage): each source is listed
    // and each file checksummed once; the files are those the study listed when it loaded.
    std::map<std::string, json> file_cache;
    json inputs = json::array();
    for (const LayerSource& src : r.config.layers) {
        json entry = {{"role", src.role}, {"source", src.source}, {"layer", src.layer}};
        json list = json::array();
        for (const std::string& f : d.routed.study.inputs.files_of(src)) {
            if (!file_cache.count(f)) {
                std::error_code ec;
                const auto size = fs::file_size(f, ec);
                file_cache[f] = {{"file", f}, {"bytes", ec ? 0 : size}, {"sha256", sha256_file(f)}};
            }
            list.push_back(file_cache.at(f));
        }
        if (list.empty()) entry["note"] = "not a file (a database or service): no checksum";
        entry["files"] = list;
        inputs.push_back(entry);
    }
    m["inputs"] = inputs;
    // Every repair and every skipped feature, as inspect and the report's data-quality section list them.
    json quality = json::array();
    for (const Layer& l : d.routed.study.layers)
        for (const Problem& p : l.info.problems)
            quality.push_back({{"role", l.info.role}, {"layer", l.info.layer_name}, {"kind", p.kind},
                               {"severity", p.severity == Severity::Error ? "error" : "warning"}, {"message", p.message},
                               {"count", p.count}, {"first_ids", p.ids}});
    m["data_quality"] = quality;
    PJ_INFO pj = proj_info();
    m["versions"] = {{"gdal", GDALVersionInfo("RELEASE_NAME")}, {"geos", GEOSversion()}, {"proj", pj.version}, {"glpk", glpk_version()}};
    if (r.config.year) m["year"] = r.config.year;   // the yearly review labels runs by it
    m["working_crs"] = {{"name", d.routed.study.crs.name}, {"definition", d.routed.study.crs.definition},
                        {"chosen", d.routed.study.crs.chosen}, {"max_scale_error", d.routed.study.crs.max_scale_error}};
    json steps = json::array();
    for (const auto& [step, s] : timer.steps()) steps.push_back({{"step", step}, {"seconds", std::round(s * 1000) / 1000}});
    m["steps"] = steps;
    json tiers = json::object();
    for (const TierSummary& t : r.run.selection.tiers) tiers[t.key] = t.count;
    m["counts"] = {{"towns", d.table.size()},
                   {"villages", d.access.villages.size()},
                   {"selected", tiers},
                   {"shortfalls", r.run.selection.shortfalls.size()},
                   {"coverage_gaps", d.coverage->gaps.size()},
                   {"network_extensions", d.coverage->extensions.size()},
                   {"isochrones", d.access.isochrones.size()},
                   {"road_dead_ends", d.access.dead_ends.size()},
                   {"works", r.works.size()},
                   {"dead_end_links", std::size_t(std::count_if(d.access.dead_ends.begin(), d.access.dead_ends.end(),
                                                                 [](const DeadEnd& e) { return !std::isnan(e.link_m); }))},
                   {"road_components", d.access.components.size()}};
    json outs = json::array();
    for (const std::string& name : outputs) {
        const std::string path = folder.file(name);
        outs.push_back({{"file", name}, {"bytes", fs::file_size(path)}, {"sha256", sha256_file(path)}});
    }
    m["outputs"] = outs;
    m["selection_method"] = r.run.selection.method;
    return m;
}

}  // namespace

void add_run(CLI::App& app, const Globals& globals, Runner& run) {
    auto a = std::make_shared<RunArgs>();
    CLI::App* cmd = app.add_subcommand("run", "Every step, and the deliverables: styled GeoPackage, QGIS project, report, tables, manifest");
    add_study_args(cmd, a->study, Writes::Folder, "townsite_out");
    cmd->add_option("--db", a->database, "Write the layers into this PostGIS database (\"PG:dbname=... host=...\"), with their styles in its "
                                         "layer_styles table; the folder gets the project, report, tables and manifest");
    add_sensitivity_options(cmd, a->sensitivity, 50);
    cmd->footer("Writes into OUTDIR: townsite.gpkg (towns, demo_towns, villages, coverage_gaps, network_extensions,\n"
                "isochrones, road_dead_ends, dead_end_links, road_components, counties, prefectures, scenario_tiers; styled for QGIS),\n"
                "townsite.qgs (open it in QGIS), report.html, towns.csv, towns.xlsx and manifest.json.\n"
                "Examples:\n"
                "  townsite run                                   # the bundled sample, into ./townsite_out\n"
                "  townsite run -o out/jilin --overwrite --sensitivity 200\n"
                "  townsite run my.toml -o out/my -f GeoJSON\n"
                "  townsite run my.toml -o out/my_en --lang en   # report, workbook and QGIS project in English\n"
                "  townsite run my.toml -o out/my --db \"PG:dbname=plan host=localhost\" --overwrite");
    cmd->callback([a, &globals, &run] {
        run = [a, &globals] {
            StepTimer timer(globals);
            const Progress progress = globals.make_progress();
            StudyConfig config = a->study.load();
            OutputFolder folder(a->study.out.path, InputFiles::of(config), a->study.out.overwrite);   // refuses before any work
            if (a->study.out.format == "PostgreSQL" && a->database.empty())
                throw Error("-f PostgreSQL needs the database: --db \"PG:dbname=... host=...\"").with_hint("give --db; -o stays the folder for the project and report.");
            if (!a->database.empty()) {
                a->study.out.format = "PostgreSQL";
                check_output_database(a->database);  // before any work
            }
            for (const std::string& n : folder.notes()) globals.note(n);
            if (!GDALGetDriverByName(a->study.out.format.c_str()))
                throw Error("GDAL has no driver \"" + a->study.out.format + "\"").with_hint("use -f with a vector driver `ogrinfo --formats` lists, e.g. GPKG.");
            const Results r = compute_all(std::move(config), a->sensitivity, progress.slice(0, 0.8), timer);
            const Decision& d = *r.decision;
            const Study& study = d.routed.study;
            const Lang lang = a->study.out.lang;
            const StyleHints hints = style_hints(d, true, lang);
            // GeoPackage timestamps fixed, so that the same inputs give the same bytes (GDAL's documented way).
            struct FixedDate {
                FixedDate() { CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", "2000-01-01T00:00:00Z"); }
                ~FixedDate() { CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", nullptr); }
            } fixed_date;

            std::vector<std::string> written;
            std::vector<ProjectLayer> project;
            const std::vector<LayerPlan> plan = plan_layers(r, lang);
            const bool one_file = a->study.out.format == "GPKG" || a->study.out.format == "SQLite";
            const std::string ext = extension_for_driver(a->study.out.format);
            // towns.xlsx for people (the decision's tables, one sheet each), unless -f makes the layers
            // XLSX files. Its tables are written first, without their geometries, to a scratch
            // GeoPackage; the workbook is made from them on a thread of its own (with its own GEOS
            // context) while this one writes the layers, towns.csv, the project, the report and the
            // town pages (with --threads 1, on this thread after them).
            const std::vector<WorkbookSheet> sheets = {{"demo_towns", say(lang, "示范镇", "demonstration towns")},
                                                       {"towns", say(lang, "全部乡镇", "all towns")},
                                                       {"counties", say(lang, "县(市、区)", "counties")},
                                                       {"prefectures", say(lang, "市(州)", "prefectures")},
                                                       {"works", say(lang, "项目清单", "works")}};
            const bool want_workbook = !a->database.empty() || one_file || ext != "xlsx";
            std::future<void> workbook;
            if (want_workbook) {
                progress.advance(0.8, "towns.xlsx");
                const std::string scratch = folder.file(".workbook.gpkg");
                OutputDataset tables(scratch, study, {"GPKG", "working", false, {}, lang, false});
                for (const LayerPlan& l : plan)
                    if (std::any_of(sheets.begin(), sheets.end(), [&](const WorkbookSheet& s) { return s.layer == l.name; })) l.write(tables);
                tables.commit();
                workbook = std::async(thread_count() > 1 ? std::launch::async : std::launch::deferred, [&, scratch] {
                    const GeosContext geos;
                    write_workbook(folder.file("towns.xlsx"), scratch, sheets, study.config.name, geos, lang);
                    std::filesystem::remove(scratch);
                });
            }
            // Every layer into one dataset (a GeoPackage, or the database's tables), styled, and the
            // project's layers pointing into it.
            auto write_together = [&](OutputDataset& out, const std::string& source) {
                for (const LayerPlan& l : plan) l.write(out);
                style_layers(out, hints);
                for (std::size_t k = 0; k < plan.size(); ++k)
                    project.push_back({plan[k].name, plan[k].title, source + "|layername=" + plan[k].name, plan[k].group,
                                       out.layers()[k]->geometry_type(), layer_style(*out.layers()[k], hints)});
                out.commit();
            };
            if (!a->database.empty()) {
                // One transaction for every table and style: a failed run leaves the database as it was.
                OutputDataset out(a->database, study, {"PostgreSQL", a->study.out.t_srs, a->study.out.overwrite, {}, lang});
                write_together(out, a->database);
            } else if (one_file) {
                const std::string name = "townsite." + ext;
                OutputDataset out(folder.file(name), study, {a->study.out.format, a->study.out.t_srs, false, {}, lang});
                write_together(out, "./" + name);
                written.push_back(name);
            } else {
                // CSV keeps the geometry as WKT (QGIS reads it back), with a BOM for Excel.
                const std::vector<std::string> options =
                    a->study.out.format == "CSV" ? std::vector<std::string>{"GEOMETRY=AS_WKT", "WRITE_BOM=YES"} : std::vector<std::string>{};
                for (const LayerPlan& l : plan) {
                    const std::string name = l.name + "." + ext;
                    OutputDataset out(folder.file(name), study, {a->study.out.format, a->study.out.t_srs, false, options, lang});
                    l.write(out);
                    const LayerStyle style = layer_style(*out.layers().front(), hints);
                    project.push_back({l.name, l.title, "./" + name, l.group, out.layers().front()->geometry_type(), style});
                    out.commit();
                    write_text_file(folder.file(l.name + ".qml"), style_qml(style));   // QGIS loads it with the file
                    for (const std::string& f : out.files()) written.push_back(std::filesystem::path(f).filename().string());
                    if (out.cut_texts())
                        globals.note(name + ": " + std::to_string(out.cut_texts()) +
                                     " texts longer than a Shapefile's 254 bytes were cut (ending in …); towns.csv and towns.xlsx keep them whole");
                    written.push_back(l.name + ".qml");
                }
            }
            progress.advance(0.85, "layers");
            timer.done("write the layers");
            // towns.csv for programs (unless -f made the layers CSV files).
            if (std::find(written.begin(), written.end(), "towns.csv") == written.end()) {
                OutputDataset table(folder.file("towns.csv"), study, {"CSV", a->study.out.t_srs, false, {"WRITE_BOM=YES"}, lang});
                write_towns(table, d, &r.run);
                table.commit();
                written.push_back("towns.csv");
            }
            if (want_workbook) written.push_back("towns.xlsx");
            progress.advance(0.88, "townsite.qgs");
            {
                // The project in the working CRS, on the province, with a print layout per prefecture.
                ProjectView view;
                view.crs = project_crs(study.crs.definition, study.crs.name);
                auto extent = [&](const GEOSGeometry* g) {
                    Extent e;
                    GEOSGeom_getXMin_r(study.geos->get(), g, &e.xmin), GEOSGeom_getYMin_r(study.geos->get(), g, &e.ymin);
                    GEOSGeom_getXMax_r(study.geos->get(), g, &e.xmax), GEOSGeom_getYMax_r(study.geos->get(), g, &e.ymax);
                    return e;
                };
                if (study.province) view.province = extent(study.province.get());
                for (const Layer* l : study.role("prefectures"))
                    for (const Feature& f : l->features) view.prefectures.emplace_back(l->text(f, "name"), extent(f.geom.get()));
                view.lang = lang;
                view.source = say(lang, "数据来源：", "Source: ") + "townsite " + std::string(TOWNSITE_VERSION_TEXT) + " · " + study.config.name + " · " +
                              say(lang, "制图日期：", "Printed ") + "[% format_date(now(), 'yyyy-MM-dd') %]";
                const ProjectCrs layers_crs = project_crs(a->study.out.t_srs == "working" ? study.crs.definition : a->study.out.t_srs);
                write_text_file(folder.file("townsite.qgs"), qgis_project(study.config.name, layers_crs, project, view));
                written.push_back("townsite.qgs");
            }
            progress.advance(0.89, "report.html");
            ReportInput report = report_input(r, lang);
            report.town_pages = true;   // `report` alone writes no pages to link to
            write_text_file(folder.file("report.html"), html_report(report));
            written.push_back("report.html");
            // One page per demonstration town (一镇一档), linked from the report.
            progress.advance(0.91, "town pages");
            std::filesystem::create_directories(folder.file("towns"));
            for (const TownPage& p : town_pages(report)) {
                write_text_file(folder.file(p.file), p.html);
                written.push_back(p.file);
            }
            progress.advance(0.95, "report");
            if (workbook.valid()) workbook.get();
            timer.done("write the project, tables and report");
            write_text_file(folder.file("manifest.json"), manifest(r, timer, folder, written).dump(2) + "\n");
            folder.commit();
            progress(1.0, "done");
            for (const Layer& l : study.layers)
                for (const Problem& p : l.info.problems)
                {
                    std::string ids;
                    for (const std::string& id : p.ids) ids += (ids.empty() ? "" : ", ") + id;
                    globals.note(l.info.role + ": " + std::to_string(p.count) + " × " + p.message + (ids.empty() ? "" : " (e.g. " + ids + ")") +
                                 "; listed in report.html and manifest.json");
                }
            // What access and coverage noticed (a seat far from the roads, township territories given as towns, ...).
            for (const Words& n : d.access.notes) globals.note(n.en + "; listed in report.html");
            if (d.coverage)
                for (const Words& n : d.coverage->notes) globals.note(n.en + "; listed in report.html");
            if (d.land)
                for (const Words& n : d.land->notes) globals.note(n.en + "; listed in report.html");
            if (!globals.quiet) {
                print_selection(d, r.run, r.sensitivity, std::cout);
                std::cout << "Wrote " << folder.path() << "/: ";
                std::size_t pages = 0;   // the town pages go as one entry
                for (const std::string& f : written) {
                    if (f.rfind("towns/", 0) == 0) ++pages;
                    else std::cout << f << ", ";
                }
                if (pages) std::cout << "towns/ (" << pages << " pages, one per demonstration town), ";
                std::cout << "manifest.json\nOpen " << folder.path() << "/townsite.qgs in QGIS, " << folder.path() << "/report.html in a browser.\n";
            }
            return kOk;
        };
    });
}

void add_report(CLI::App& app, const Globals& globals, Runner& run) {
    auto a = std::make_shared<RunArgs>();
    CLI::App* cmd = app.add_subcommand("report", "The HTML report alone (every step is run)");
    add_study_args(cmd, a->study, Writes::File, "townsite_report.html");
    add_sensitivity_options(cmd, a->sensitivity, 50);
    cmd->footer("Examples:\n"
                "  townsite report -o out/report.html --overwrite     # the bundled sample\n"
                "  townsite report my.toml -o report.html --sensitivity 0");
    cmd->callback([a, &globals, &run] {
        run = [a, &globals] {
            StepTimer timer(globals);
            const Progress progress = globals.make_progress();
            if (fs::exists(a->study.out.path) && !a->study.out.overwrite)
                throw Error("the output " + a->study.out.path + " exists already").with_hint("add --overwrite to replace it, or choose another name with -o.");
            const Results r = compute_all(a->study.load(), a->sensitivity, progress.slice(0, 0.9), timer);
            replace_text_file(a->study.out.path, html_report(report_input(r, a->study.out.lang)), a->study.out.overwrite, r.decision->routed.study.inputs);
            progress(1.0, "done");
            if (!globals.quiet) std::cout << "Wrote " << a->study.out.path << "\n";
            return kOk;
        };
    });
}

}  // namespace townsite::tools
