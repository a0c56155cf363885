// The layers several commands write (access, coverage, select and run), each written one way only:
// villages (with whichever of access and coverage ran), isochrones, road problems, coverage gaps
// and network extensions.
#pragma once

#include "analysis/access.h"
#include "analysis/columns.h"
#include "analysis/coverage.h"
#include "analysis/services.h"
#include "geo/writer.h"

#include <initializer_list>

namespace townsite::tools {

// The fields of one output layer, each taken from the column registry (name, type and the alias
// QGIS shows), in the order they are added.
class Fields {
public:
    explicit Fields(std::string layer) : m_layer(std::move(layer)) {}
    Fields& add(std::initializer_list<std::string_view> names);
    Fields& add(std::string_view family, const Fill& fill);
    // Every utility's member of each family, utility by utility ({utility}_status, {utility}_share_pct, ...).
    Fields& per_utility(std::initializer_list<std::string_view> families);
    Fields& add(const Column& c);
    operator const std::vector<OutField>&() const { return m_fields; }

private:
    std::string m_layer;
    std::vector<OutField> m_fields;
};

// The villages of `settlements`, with the access and coverage results (either may be null) of their rows.
// The name `run` writes a field of its towns layer under (a logic_error when the registry has none);
// compare and review read runs back by it.
std::string towns_field(std::string_view name, const std::string& utility = "");

void write_villages(OutputDataset& out, const Settlements& settlements, const AccessResult* access, const CoverageResult* coverage,
                    const ServiceResult* services = nullptr);
void write_isochrones(OutputDataset& out, const AccessResult& access);
// The dead ends with their town and proposed link; the links as lines.
void write_dead_ends(OutputDataset& out, const Study& study, const AccessResult& access, const std::vector<Settlement>& towns);
void write_dead_end_links(OutputDataset& out, const Study& study, const AccessResult& access, const std::vector<Settlement>& towns);
// The study's roads as they were read (the QGIS project's road context): id, class and the speed its class drives at.
// Read again from their source, one at a time (the graph released them); Error when the source changed since.
void write_roads(OutputDataset& out, const Study& study, const RoadGraph& graph);
void write_components(OutputDataset& out, const RoadGraph& graph, const AccessResult& access);
// `towns`: the settlement rows the coverage result was computed for.
void write_gaps(OutputDataset& out, const CoverageResult& coverage, const std::vector<Settlement>& towns);
void write_extensions(OutputDataset& out, const CoverageResult& coverage, const std::vector<Settlement>& towns);

}  // namespace townsite::tools
