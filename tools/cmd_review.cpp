// townsite review BASE YEAR1 [YEAR2 ...] [-o OUTDIR]: the yearly review of the demonstration towns
// designated in the BASE run (folders written by `townsite run`): review.gpkg (review_towns,
// review_totals, built_extensions) and review.html.
#include "analysis/columns.h"
#include "analysis/coverage.h"
#include "analysis/report.h"
#include "analysis/review.h"
#include "geo/checksum.h"
#include "geo/error.h"
#include "geo/text.h"
#include "tools/command.h"
#include "tools/layers_out.h"
#include "tools/styles.h"

#include <gdal_priv.h>
#include <geos_c.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>

namespace townsite::tools {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// One run folder as review reads it: its manifest, its GeoPackage and its label (the config's
// [study] year, else the folder's name).
struct RunFolder {
    std::string dir, gpkg, label;
    int year = 0;
    json manifest;
};

RunFolder open_run(const std::string& where) {
    RunFolder r;
    r.dir = fs::is_directory(where) ? where : fs::path(where).parent_path().string();
    if (r.dir.empty()) r.dir = ".";
    r.gpkg = (fs::path(r.dir) / "townsite.gpkg").string();
    const std::string manifest = (fs::path(r.dir) / "manifest.json").string();
    std::ifstream in(manifest);
    if (!in || !fs::exists(r.gpkg))
        throw Error("\"" + where + "\" is not a folder written by `townsite run` (it needs townsite.gpkg and manifest.json)")
            .with_file(where)
            .with_hint("give the folders that `townsite run CONFIG -o FOLDER` wrote (as GeoPackage, the default -f), one per year, the base "
                       "year first.");
    try {
        in >> r.manifest;
    } catch (const json::exception& e) {
        throw Error(std::string("its manifest cannot be read: ") + e.what()).with_file(manifest).with_hint("run `townsite run` again for this year.");
    }
    if (r.manifest.value("command", std::string("run")) != "run" || !r.manifest.contains("config"))
        throw Error("the folder was not written by `townsite run`").with_file(manifest).with_hint("give the folders that `townsite run` wrote.");
    r.year = r.manifest.contains("year") && r.manifest["year"].is_number_integer() ? r.manifest["year"].get<int>() : 0;
    r.label = r.year ? std::to_string(r.year) : fs::path(r.dir).filename().string();
    return r;
}

// The towns of a run and the dead-end roads it found.
ReviewRun read_review_run(const RunFolder& f, const GeosContext& geos) {
    ReviewRun run;
    run.label = f.label;
    run.year = f.year;
    const Table t = read_table(f.gpkg, "towns", geos);
    for (const char* name : {"id", "name", "county", "county_name", "prefecture", "prefecture_name", "tier", "tier_zh"})
        if (!t.has(towns_field(name)))
            throw Error("the layer \"towns\" has no field \"" + towns_field(name) + "\"")
                .with_file(f.gpkg)
                .with_layer("towns")
                .with_hint("review the folders that `townsite run` writes (score and coverage alone write fewer fields).");
    for (const Record& r : t.rows) {
        ReviewTownState s;
        s.id = r.text(towns_field("id")), s.name = r.text(towns_field("name"));
        s.county = r.text(towns_field("county")), s.county_name = r.text(towns_field("county_name"));
        s.prefecture = r.text(towns_field("prefecture")), s.prefecture_name = r.text(towns_field("prefecture_name"));
        s.tier = r.text(towns_field("tier")), s.tier_zh = r.text(towns_field("tier_zh"));
        s.population = r.number(towns_field("population")).value_or(NAN);
        if (r.geom) {
            GEOSGeomGetX_r(geos.get(), r.geom.get(), &s.lon);
            GEOSGeomGetY_r(geos.get(), r.geom.get(), &s.lat);
        }
        for (const auto& u : utility_names())
            if (t.has(towns_field("{utility}_status", u))) s.status[u] = r.text(towns_field("{utility}_status", u));
        // The service standards the run's config checked: {kind}_time_met, {kind}_places_met, {kind}_places_missing.
        for (const std::string& field : t.fields) {
            if (field.ends_with("_time_met")) s.standards[field.substr(0, field.size() - 4)] = r.number(field).value_or(0) == 1;
            if (field.ends_with("_places_met")) s.standards[field.substr(0, field.size() - 4)] = r.number(field).value_or(0) == 1;
            if (field.ends_with("_places_missing")) s.places_missing[field.substr(0, field.size() - 15)] = r.number(field).value_or(NAN);
        }
        run.towns[s.id] = std::move(s);
    }
    GDALDatasetUniquePtr ds(GDALDataset::Open(f.gpkg.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    if (ds && ds->GetLayerByName("road_dead_ends"))
        for (const Record& r : read_table(f.gpkg, "road_dead_ends", geos).rows) run.dead_end_roads.insert(r.text("road_id"));
    return run;
}

// A lon/lat geometry in the working CRS.
GeomPtr to_working(const GEOSGeometry* g, const Transformer& tr, const GeosContext& geos) {
    return geos.own(GEOSGeom_transformXY_r(
        geos.get(), g,
        [](double* x, double* y, void* user) {
            static_cast<const Transformer*>(user)->to_working(*x, *y);
            return 1;
        },
        const_cast<Transformer*>(&tr)));   // NOLINT: GEOS's callback takes void*
}

// The utility networks a run used: its config as it was read, its sources read again, after a check
// that the files are still those the run checksummed.
YearNetworks read_networks(const RunFolder& f, const WorkingCrs& crs, const GeosContext& geos) {
    const json& cfg = f.manifest["config"];
    const StudyConfig config = parse_config(cfg.value("text", std::string()), cfg.value("path", std::string()));
    std::map<std::string, std::string> sums;   // file -> sha256 the run saw
    std::set<std::string> checked;             // one GeoPackage holds many layers: each file is hashed once
    for (const json& in : f.manifest.value("inputs", json::array()))
        for (const json& file : in.value("files", json::array())) sums[file.value("file", std::string())] = file.value("sha256", std::string());
    const Transformer tr(crs);
    YearNetworks out;
    for (const auto& u : utility_names())
        for (const LayerSource* src : config.sources(u)) {
            for (const std::string& file : source_files(*src)) {
                auto it = sums.find(file);
                if (it == sums.end() || !checked.insert(file).second) continue;
                if (sha256_file(file) != it->second)
                    throw Error("the " + u + " layer's file changed after `townsite run` wrote " + f.dir)
                        .with_file(file)
                        .with_hint("the review measures each year's networks from the files the run used: run `townsite run` again for that year, or "
                                   "restore the file.");
            }
            Layer layer = read_layer(*src, geos);
            project_layer(layer, tr, geos);
            for (Feature& feat : layer.features) {
                const int type = GEOSGeomTypeId_r(geos.get(), feat.geom.get());
                if (type == GEOS_LINESTRING || type == GEOS_MULTILINESTRING) out[u].push_back(std::move(feat.geom));
            }
        }
    return out;
}

}  // namespace

void add_review(CLI::App& app, const Globals& globals, Runner& run) {
    struct Args {
        std::vector<std::string> runs;
        std::string outdir = "townsite_review";
        double corridor_m = 50;
        bool overwrite = false;
        Lang lang = Lang::zh;
    };
    auto a = std::make_shared<Args>();
    CLI::App* cmd = app.add_subcommand("review", "Yearly review of the demonstration towns designated in a base run: gaps closed, extensions built, "
                                                 "standards met, works done");
    cmd->add_option("RUNS", a->runs, "BASE YEAR1 [YEAR2 ...]: folders written by `townsite run`, the base year (whose designated list is held fixed) first")
        ->required()
        ->expected(2, -1);
    cmd->add_option("-o,--output", a->outdir, "Output folder (review.gpkg with the layers review_towns, review_totals, built_extensions; review.html)")
        ->capture_default_str();
    cmd->add_option("--corridor-m", a->corridor_m, "Width each side of a proposed extension within which new network counts as built (m)")
        ->check(CLI::Range(1.0, 1000.0))
        ->capture_default_str();
    cmd->add_flag("--overwrite", a->overwrite, "Replace the output folder if it exists");
    add_lang_option(cmd, a->lang);
    cmd->footer("Examples (the sample ships the utilities and facilities of 2024 and 2025):\n"
                "  townsite run -o y2022 && townsite run sample_data/jilin_2024.toml -o y2024 && townsite run sample_data/jilin_2025.toml -o y2025\n"
                "  townsite review y2022 y2024 y2025 -o review");
    cmd->callback([a, &globals, &run] {
        run = [a, &globals] {
            StepTimer timer(globals);
            std::vector<RunFolder> folders;
            for (const std::string& r : a->runs) folders.push_back(open_run(r));
            for (std::size_t i = 1; i < folders.size(); ++i)
                if (folders[i].year && folders[0].year && folders[i].year <= folders[i - 1].year)
                    throw Error("the runs are not in year order: " + folders[i - 1].label + " before " + folders[i].label)
                        .with_hint("give the base year first, then the later years in order.");
            Study study;
            study.geos = std::make_unique<GeosContext>();
            const GeosContext& geos = *study.geos;
            const json& wc = folders[0].manifest.value("working_crs", json::object());
            std::vector<ReviewRun> runs;
            LonLatBox box;
            for (const RunFolder& f : folders) {
                runs.push_back(read_review_run(f, geos));
                study.inputs.add(f.gpkg, "run " + f.label);
                study.inputs.add((fs::path(f.dir) / "manifest.json").string(), "run " + f.label);
            }
            for (const auto& [id, t] : runs[0].towns)
                if (std::isfinite(t.lon)) box.expand(t.lon, t.lat);
            // The base run's working CRS (an older manifest without one: a CRS chosen for the towns).
            study.crs = wc.contains("definition") ? user_working_crs(wc["definition"].get<std::string>(), box) : choose_working_crs(box);
            const Measure measure(study.crs, geos);
            const Transformer tr(study.crs);
            timer.done("read the runs");

            // The base run's works, extensions and tiers.
            std::vector<ReviewWork> works;
            for (const Record& r : read_table(folders[0].gpkg, "works", geos).rows)
                works.push_back({r.text("town_id"), r.text("work"), r.text("what"), r.number("quantity").value_or(0)});
            std::vector<ExtensionLine> lines;
            for (const Record& r : read_table(folders[0].gpkg, "network_extensions", geos).rows) {
                auto t = runs[0].towns.find(r.text("town_id"));
                if (t == runs[0].towns.end() || t->second.tier.empty() || !r.geom) continue;
                lines.push_back({r.text("town_id"), r.text("utility"), r.number("length_km").value_or(0), to_working(r.geom.get(), tr, geos)});
            }
            std::vector<std::pair<std::string, std::string>> tiers;
            for (const Record& r : read_table(folders[0].gpkg, "demo_towns", geos).rows) {
                const std::pair<std::string, std::string> tier{r.text("tier"), r.text("tier_zh")};
                if (!tier.first.empty() && std::find(tiers.begin(), tiers.end(), tier) == tiers.end()) tiers.push_back(tier);
            }
            std::vector<Corridor> corridors = extension_corridors(lines, a->corridor_m, measure, geos);
            const YearNetworks base = read_networks(folders[0], study.crs, geos);
            std::vector<YearNetworks> later;
            for (std::size_t i = 1; i < folders.size(); ++i) later.push_back(read_networks(folders[i], study.crs, geos));
            timer.done("read the networks");
            built_in_corridors(corridors, base, later, measure, geos);
            const Review rv = review(runs[0], std::vector<ReviewRun>(runs.begin() + 1, runs.end()), tiers, works, corridors, a->corridor_m);
            timer.done("review");

            OutputFolder folder(a->outdir, study.inputs, a->overwrite);
            for (const std::string& n : folder.notes()) globals.note(n);
            OutputDataset out(folder.file("review.gpkg"), study, {"GPKG", "EPSG:4326", false, {}, a->lang});
            Fields town_fields("review_towns");
            town_fields.add({"id", "name", "county_name", "prefecture_name", "tier", "tier_zh", "year"})
                .per_utility({"{utility}_status"})
                .add({"gaps_base", "gaps_now", "gaps_closed", "gaps_opened", "gaps_closed_list", "gaps_opened_list", "extension_km", "extension_built_km",
                      "extension_built_pct", "standards_met_base", "standards_met", "standards_newly_met", "standards_newly_met_list", "works", "works_done",
                      "works_done_pct"});
            OutputLayer& towns = out.layer("review_towns", wkbPoint, town_fields);
            for (const ReviewTown& t : rv.towns) {
                const ReviewTownState& s = *t.base;
                std::vector<FieldValue> v = {s.id, s.name, s.county_name, s.prefecture_name, s.tier, s.tier_zh, t.year};
                for (const auto& u : utility_names()) v.push_back(t.status.count(u) ? FieldValue(t.status.at(u)) : FieldValue());
                // (NaN shares, of towns without extensions or works, are written as null)
                v.insert(v.end(), {std::int64_t(t.gaps_base), std::int64_t(t.gaps_now), std::int64_t(t.gaps_closed), std::int64_t(t.gaps_opened), t.closed,
                                   t.opened, t.extension_km, t.built_km, t.built_pct(), std::int64_t(t.standards_base),
                                   std::int64_t(t.standards_now), std::int64_t(t.newly_met), t.newly_met_list, std::int64_t(t.works),
                                   std::int64_t(t.works_done), t.works_done_pct()});
                double x = s.lon, y = s.lat;
                GeomPtr p;
                if (std::isfinite(x)) tr.to_working(x, y), p = geos.point(x, y);
                towns.add(v, p.get());
            }
            Fields total_fields("review_totals");
            total_fields.add({"level", "code", "name", "year", "towns", "gaps_base", "gaps_now", "gaps_closed", "gaps_opened", "extension_km",
                              "extension_built_km", "extension_built_pct", "standards_newly_met", "works", "works_done", "works_done_pct"});
            OutputLayer& totals = out.layer("review_totals", wkbNone, total_fields);
            for (const ReviewTotal& t : rv.totals) {
                totals.add({t.level, t.code, t.name, t.year, std::int64_t(t.towns), std::int64_t(t.gaps_base), std::int64_t(t.gaps_now),
                            std::int64_t(t.gaps_closed), std::int64_t(t.gaps_opened), t.extension_km, t.built_km, t.built_pct(),
                            std::int64_t(t.newly_met), std::int64_t(t.works), std::int64_t(t.works_done), t.works_done_pct()},
                           nullptr);
            }
            Fields built_fields("built_extensions");
            built_fields.add({"town_id", "town_name", "utility", "year", "built_km", "proposed_km"});
            OutputLayer& built = out.layer("built_extensions", wkbMultiLineString, built_fields);
            for (const Corridor& c : corridors)
                for (std::size_t y = 0; y < c.built.size(); ++y)
                    if (c.built[y])
                        built.add({c.town_id, runs[0].towns.at(c.town_id).name, c.utility, rv.years[y], c.built_km[y], c.proposed_km}, c.built[y].get());
            style_layers(out, hints_in(a->lang));
            out.commit();
            write_text_file(folder.file("review.html"), html_review(rv, a->lang));
            json labels = json::array();
            for (const RunFolder& f : folders) labels.push_back({{"folder", f.dir}, {"label", f.label}, {"townsite.gpkg", sha256_file(f.gpkg)}});
            const json manifest = {{"townsite", TOWNSITE_VERSION_TEXT}, {"command", "review"}, {"runs", labels}, {"corridor_m", a->corridor_m},
                                   {"outputs", {"review.gpkg", "review.html"}}};
            write_text_file(folder.file("manifest.json"), manifest.dump(2) + "\n");
            folder.commit();
            timer.done("write " + a->outdir);
            if (!globals.quiet) {
                for (const ReviewTotal& t : rv.totals) {
                    if (t.level != "province" && t.level != "tier") continue;
                    std::cout << t.year << " " << (t.level == "province" ? std::string("all") : t.code) << " (" << t.towns << " towns): gaps closed "
                              << t.gaps_closed << " of " << t.gaps_base << ", opened " << t.gaps_opened << "; extensions built " << fmt(t.built_km, 1)
                              << " of " << fmt(t.extension_km, 1) << " km; standards newly met " << t.newly_met << "; works done " << t.works_done
                              << " of " << t.works << " (" << fmt(t.works_done_pct(), 1) << " %)\n";
                }
                std::cout << "Wrote " << a->outdir << "/review.gpkg (layers review_towns, review_totals, built_extensions) and " << a->outdir
                          << "/review.html\n";
            }
            return kOk;
        };
    });
}

}  // namespace townsite::tools
