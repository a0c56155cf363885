// townsite inspect [CONFIG] [--json]: read every layer of the study, check it, and say in plain
// words what is wrong. Exit 0 when the study is usable, 1 with the reasons otherwise.
#include "analysis/inspect.h"
#include "analysis/selection.h"
#include "geo/config.h"
#include "geo/study.h"
#include "tools/command.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>

namespace townsite::tools {

namespace {

using nlohmann::ordered_json;

struct InspectOptions {
    StudyArgs study;
    bool json = false;
};

std::string fixed(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

ordered_json extent_json(const LonLatBox& e) {
    if (e.empty()) return nullptr;
    return {{"west", e.west}, {"south", e.south}, {"east", e.east}, {"north", e.north}};
}

// Everything inspect reports, once; the text output is read from the same object.
ordered_json build_json(const Study& study, const InspectReport& report) {
    ordered_json out;
    out["config"] = study.config.path;
    out["study"] = study.config.name;
    ordered_json crs;
    crs["name"] = study.crs.name;
    crs["definition"] = study.crs.definition;
    crs["epsg"] = study.crs.epsg ? ordered_json(study.crs.epsg) : ordered_json(nullptr);
    crs["chosen"] = study.crs.chosen;
    crs["max_scale_error_percent"] = study.crs.max_scale_error * 100;
    out["working_crs"] = crs;
    out["study_area"] = extent_json(study.area);

    size_t errors = 0, warnings = 0;
    ordered_json layers = ordered_json::array();
    for (const Layer& l : study.layers) {
        const LayerInfo& i = l.info;
        ordered_json lj;
        lj["role"] = i.role;
        lj["source"] = i.source;
        lj["driver"] = i.driver;
        lj["layer"] = i.layer_name;
        lj["where"] = i.where;
        lj["geometry_type"] = i.geometry_type;
        lj["crs"] = {{"name", i.crs_name}, {"epsg", i.crs_epsg ? ordered_json(i.crs_epsg) : ordered_json(nullptr)},
                     {"assumed", i.crs_assumed}};
        lj["gcj02_converted"] = i.gcj02;
        lj["features_read"] = i.features_read;
        lj["features_kept"] = i.features_kept;
        lj["extent_lonlat"] = extent_json(i.extent);
        ordered_json fields = ordered_json::array();
        for (const FieldBinding& b : i.fields)
            fields.push_back({{"field", b.name},
                              {"source_field", b.source_field.empty() ? ordered_json(nullptr)
                                               : ordered_json(b.osm_tag.empty() ? b.source_field : b.source_field + "[" + b.osm_tag + "]")},
                              {"source_type", b.source_type},
                              {"by_same_name", b.by_same_name},
                              {"required", b.required}});
        lj["fields"] = fields;
        ordered_json problems = ordered_json::array();
        for (const Problem& p : i.problems) {
            (p.severity == Severity::Error ? errors : warnings) += 1;
            problems.push_back({{"severity", p.severity == Severity::Error ? "error" : "warning"},
                                {"kind", p.kind},
                                {"message", p.message},
                                {"count", p.count},
                                {"feature_ids", p.ids},
                                {"hint", p.hint}});
        }
        lj["problems"] = problems;
        lj["usable"] = i.usable();
        layers.push_back(lj);
    }
    out["layers"] = layers;

    ordered_json checks = ordered_json::array();
    for (const RoadDistanceCheck& c : report.road_checks) {
        if (c.shifted) ++warnings;
        checks.push_back({{"role", c.role},
                          {"points", c.points},
                          {"median_m", c.median_m},
                          {"p90_m", c.p90_m},
                          {"share_within_50m", c.share_within_50m},
                          {"possible_shift", c.shifted}});
    }
    out["distance_to_roads"] = checks;
    out["errors"] = errors;
    out["warnings"] = warnings;
    out["usable"] = report.usable;
    return out;
}

std::string extent_text(const ordered_json& e) {
    if (e.is_null()) return "none";
    return fixed(e["west"], 4) + ", " + fixed(e["south"], 4) + " – " + fixed(e["east"], 4) + ", " +
           fixed(e["north"], 4) + " (lon/lat)";
}

void print_text(const ordered_json& j, std::ostream& os) {
    os << "Study: " << (j["study"].get<std::string>().empty() ? "(unnamed)" : j["study"].get<std::string>()) << "  ["
       << j["config"].get<std::string>() << "]\n";
    const auto& crs = j["working_crs"];
    if (!crs["definition"].get<std::string>().empty()) {
        os << "Working CRS: " << crs["name"].get<std::string>();
        if (!crs["epsg"].is_null()) os << " (EPSG:" << crs["epsg"] << ")";
        os << (crs["chosen"].get<bool>() ? ", chosen for the study area" : ", from the config") << "\n";
        os << "  largest scale error over the study area: " << fixed(crs["max_scale_error_percent"], 3)
           << " %  (lengths and areas are measured on the ellipsoid, not in this plane)\n";
    }
    os << "Study area: " << extent_text(j["study_area"]) << "\n";

    for (const auto& l : j["layers"]) {
        os << "\n" << l["role"].get<std::string>() << (l["usable"].get<bool>() ? "" : "  — NOT USABLE") << "\n";
        os << "  source    " << l["source"].get<std::string>();
        if (!l["driver"].get<std::string>().empty()) os << "  (" << l["driver"].get<std::string>() << ")";
        if (!l["layer"].get<std::string>().empty()) os << ", layer \"" << l["layer"].get<std::string>() << "\"";
        if (!l["where"].get<std::string>().empty()) os << ", where " << l["where"].get<std::string>();
        os << "\n";
        if (!l["driver"].get<std::string>().empty()) {
            os << "  features  " << l["features_read"] << " read, " << l["features_kept"] << " kept · "
               << l["geometry_type"].get<std::string>() << " · " << l["crs"]["name"].get<std::string>();
            if (!l["crs"]["epsg"].is_null()) os << " (EPSG:" << l["crs"]["epsg"] << ")";
            if (l["crs"]["assumed"].get<bool>()) os << ", assumed";
            if (l["gcj02_converted"].get<bool>()) os << " · converted from GCJ-02";
            os << "\n  extent    " << extent_text(l["extent_lonlat"]) << "\n";
            os << "  fields   ";
            for (const auto& f : l["fields"]) {
                os << " " << f["field"].get<std::string>();
                if (f["source_field"].is_null()) os << " (not mapped)";
                else if (f["by_same_name"].get<bool>()) os << "=" << f["source_field"].get<std::string>() << " (same name)";
                else os << "=" << f["source_field"].get<std::string>();
            }
            os << "\n";
        }
        if (l["problems"].empty()) os << "  problems  none\n";
        for (const auto& p : l["problems"]) {
            os << "  " << (p["severity"] == "error" ? "ERROR     " : "warning   ");
            if (p["count"].get<size_t>() > 1 || !p["feature_ids"].empty()) os << p["count"] << " × ";
            os << p["message"].get<std::string>();
            if (!p["feature_ids"].empty()) {
                os << " (feature ";
                for (size_t k = 0; k < p["feature_ids"].size(); ++k) os << (k ? ", " : "") << p["feature_ids"][k].get<std::string>();
                if (p["count"].get<size_t>() > p["feature_ids"].size()) os << ", …";
                os << ")";
            }
            os << "\n";
            if (!p["hint"].get<std::string>().empty()) os << "            Fix: " << p["hint"].get<std::string>() << "\n";
        }
    }

    if (!j["distance_to_roads"].empty()) {
        os << "\nDistance from settlement points to the nearest road (geodesic):\n";
        for (const auto& c : j["distance_to_roads"]) {
            char line[200];
            std::snprintf(line, sizeof line, "  %-11s %6zu points  median %8.1f m  90%% %8.1f m  within 50 m %5.1f %%\n",
                          c["role"].get<std::string>().c_str(), c["points"].get<size_t>(), c["median_m"].get<double>(),
                          c["p90_m"].get<double>(), 100 * c["share_within_50m"].get<double>());
            os << line;
            if (c["possible_shift"].get<bool>())
                os << "  warning   the " << c["role"].get<std::string>() << " sit " << fixed(c["median_m"], 0)
                   << " m from the roads on median: the layer looks shifted, as GCJ-02 coordinates from Chinese web "
                      "maps (Amap, DataV, Tencent) or a wrong datum are.\n"
                      "            Fix: if the data comes from such a map, set coordinates = \"gcj02\" in [layers."
                   << c["role"].get<std::string>() << "]; otherwise check the layer's CRS.\n";
        }
    }

    os << "\n";
    if (j["usable"].get<bool>())
        os << "Result: the study is usable (" << j["errors"] << " errors, " << j["warnings"] << " warnings).\n";
    else
        os << "Result: the study is NOT usable: " << j["errors"] << " errors (marked ERROR above), " << j["warnings"]
           << " warnings.\n";
}

}  // namespace

void add_inspect(CLI::App& app, const Globals& globals, Runner& run) {
    auto opts = std::make_shared<InspectOptions>();
    CLI::App* cmd = app.add_subcommand("inspect", "Read every layer of a study, check it and report what is wrong");
    add_study_args(cmd, opts->study);
    cmd->add_flag("--json", opts->json, "Write the report as JSON on stdout");
    cmd->footer("Examples:\n"
                "  townsite inspect                              # the bundled sample province\n"
                "  townsite inspect sample_data/jilin.toml --json > inspect.json\n"
                "Exit code 0 when the study is usable, 1 when a layer has errors (they are listed).");
    cmd->callback([opts, &globals, &run] {
        run = [opts, &globals] {
            const StudyConfig config = opts->study.load();
            const Progress progress = globals.make_progress();
            StepTimer timer(globals);
            const Study study = load_study(config, progress.slice(0, 0.9));
            timer.done("load the study");
            const InspectReport report = inspect_study(study, progress.slice(0.9, 1));
            timer.done("inspect");
            const ordered_json j = build_json(study, report);
            if (opts->json)
                std::cout << j.dump(2) << "\n";
            else
                print_text(j, std::cout);
            // Quotas that the towns as loaded cannot meet: select would stop on them, so inspect does
            // (with select's message). Type minimums need the analysis and are checked by select.
            if (report.usable) check_quotas(quota_towns(read_settlements(study).towns), selection_options(config));
            return report.usable ? kOk : kBadInput;
        };
    });
}

}  // namespace townsite::tools
