// townsite compare OLD NEW [-o OUTDIR]: what changed for every town between two runs of
// `townsite run` (their folders or their GeoPackages): the layer town_changes and a report page.
#include "analysis/columns.h"
#include "analysis/compare.h"
#include "analysis/coverage.h"
#include "geo/error.h"
#include "tools/command.h"
#include "tools/layers_out.h"
#include "tools/styles.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <iostream>

namespace townsite::tools {

namespace {

namespace fs = std::filesystem;

// The GeoPackage of one run: its folder's townsite.gpkg, or the GeoPackage given.
std::string run_file(const std::string& where) {
    return fs::is_directory(where) ? (fs::path(where) / "townsite.gpkg").string() : where;
}

// The towns of one run, read back under the names the registry gives the fields `run` wrote.
std::vector<TownSnapshot> read_run(const std::string& where, const GeosContext& geos) {
    const std::string path = run_file(where);
    const Table t = read_table(path, "towns", geos);
    std::vector<std::string> needed;
    for (const char* f : {"id", "name", "prefecture", "prefecture_name", "county_seat_min", "tier"}) needed.push_back(towns_field(f));
    for (const auto& u : utility_names()) needed.push_back(towns_field("{utility}_status", u)), needed.push_back(towns_field("{utility}_gap_km2", u));
    for (const std::string& f : needed)
        if (!t.has(f))
            throw Error("the layer \"towns\" has no field \"" + f + "\"")
                .with_file(path)
                .with_layer("towns")
                .with_hint("compare the folders that `townsite run` writes (the towns layer of `score` or `coverage` alone lacks fields).");
    std::vector<TownSnapshot> out;
    for (const Record& r : t.rows) {
        TownSnapshot s;
        s.id = r.text(towns_field("id")), s.name = r.text(towns_field("name")), s.prefecture = r.text(towns_field("prefecture_name"));
        s.prefecture_code = r.text(towns_field("prefecture"));
        if (r.geom) {
            GEOSGeomGetX_r(geos.get(), r.geom.get(), &s.lon);
            GEOSGeomGetY_r(geos.get(), r.geom.get(), &s.lat);
        }
        for (const auto& u : utility_names()) {
            s.status[u] = r.text(towns_field("{utility}_status", u));
            s.gap_km2[u] = r.number(towns_field("{utility}_gap_km2", u)).value_or(NAN);
        }
        s.county_seat_min = r.number(towns_field("county_seat_min")).value_or(NAN);
        s.tier = r.text(towns_field("tier"));
        out.push_back(s);
    }
    return out;
}

}  // namespace

void add_compare(CLI::App& app, const Globals& globals, Runner& run) {
    struct Args {
        std::string old_run, new_run, outdir = "townsite_compare";
        bool overwrite = false;
        Lang lang = Lang::zh;
    };
    auto a = std::make_shared<Args>();
    CLI::App* cmd = app.add_subcommand("compare", "What changed between two runs (e.g. two years): gaps closed and opened, travel times, tiers");
    cmd->add_option("OLD", a->old_run, "The earlier run: a folder written by `townsite run`, or its townsite.gpkg")->required();
    cmd->add_option("NEW", a->new_run, "The later run")->required();
    cmd->add_option("-o,--output", a->outdir, "Output folder (compare.gpkg with the layer town_changes, compare.html)")->capture_default_str();
    cmd->add_flag("--overwrite", a->overwrite, "Replace the output folder if it exists");
    add_lang_option(cmd, a->lang);
    cmd->footer("Examples (the sample ships a 2025 variant of its utility layers):\n"
                "  townsite run -o y2022 && townsite run sample_data/jilin_2025.toml -o y2025\n"
                "  townsite compare y2022 y2025 -o y2022_2025");
    cmd->callback([a, &globals, &run] {
        run = [a, &globals] {
            StepTimer timer(globals);
            // The layers are read and written in lon/lat: a study of its own with WGS 84 as working CRS.
            Study study;
            study.geos = std::make_unique<GeosContext>();
            study.crs.definition = "EPSG:4326";
            study.crs.name = "WGS 84";
            const auto old_towns = read_run(a->old_run, *study.geos);
            const auto new_towns = read_run(a->new_run, *study.geos);
            study.inputs.add(run_file(a->old_run), "OLD run");
            study.inputs.add(run_file(a->new_run), "NEW run");
            OutputFolder folder(a->outdir, study.inputs, a->overwrite);
            for (const std::string& n : folder.notes()) globals.note(n);
            const Comparison c = compare_runs(old_towns, new_towns, utility_names());
            timer.done("compare");

            OutputDataset out(folder.file("compare.gpkg"), study, {"GPKG", "EPSG:4326", false, {}, a->lang});
            Fields fields("town_changes");
            fields.add({"id", "name", "prefecture_name", "in_old", "in_new"})
                .per_utility({"{utility}_old", "{utility}_new", "{utility}_gap_km2_old", "{utility}_gap_km2_new", "{utility}_change"})
                .add({"county_seat_min_old", "county_seat_min_new", "tier_old", "tier_new", "gaps_closed", "gaps_opened", "changed"});
            OutputLayer& layer = out.layer("town_changes", wkbPoint, fields);
            for (const TownChange& t : c.towns) {
                std::vector<FieldValue> v = {t.id, t.name, t.prefecture, std::int64_t(t.in_old), std::int64_t(t.in_new)};
                for (const auto& u : utility_names()) {
                    const UtilityChange& ch = t.utilities.at(u);
                    v.insert(v.end(), {ch.old_status, ch.new_status, ch.old_gap_km2, ch.new_gap_km2, ch.change});
                }
                v.insert(v.end(), {t.old_county_seat_min, t.new_county_seat_min, t.old_tier, t.new_tier, std::int64_t(t.gaps_closed),
                                   std::int64_t(t.gaps_opened), std::int64_t(t.changed)});
                GeomPtr p = std::isfinite(t.lon) ? study.geos->point(t.lon, t.lat) : GeomPtr();
                layer.add(v, p.get());
            }
            style_layers(out, hints_in(a->lang));
            out.commit();
            write_text_file(folder.file("compare.html"), html_comparison(c, a->old_run, a->new_run, a->lang));
            // What marks the folder as townsite's, so that --overwrite may replace it later.
            const nlohmann::json manifest = {{"townsite", TOWNSITE_VERSION_TEXT}, {"command", "compare"}, {"old", run_file(a->old_run)},
                                             {"new", run_file(a->new_run)}, {"outputs", {"compare.gpkg", "compare.html"}}};
            write_text_file(folder.file("manifest.json"), manifest.dump(2) + "\n");
            folder.commit();
            timer.done("write " + a->outdir);
            if (!globals.quiet) {
                for (const auto& s : c.utilities)
                    std::cout << s.utility << ": gaps closed " << s.closed << ", opened " << s.opened << ", smaller " << s.smaller << ", larger " << s.larger
                              << "\n";
                std::cout << "Tier changes: " << c.tier_changes << "; towns only in the old run: " << c.only_old << ", only in the new: " << c.only_new
                          << "\nWrote " << a->outdir << "/compare.gpkg (layer town_changes) and " << a->outdir << "/compare.html\n";
            }
            return kOk;
        };
    });
}

}  // namespace townsite::tools
