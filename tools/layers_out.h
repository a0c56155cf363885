// The layers several commands write (access, coverage, select and run), each written one way only:
// villages (with whichever of access and coverage ran), isochrones, road problems, coverage gaps
// and network extensions.
#pragma once

#include "analysis/access.h"
#include "analysis/coverage.h"
#include "geo/writer.h"

namespace townsite::tools {

// Either result may be null; the rows follow the villages layers of the one given.
void write_villages(OutputDataset& out, const AccessResult* access, const CoverageResult* coverage);
void write_isochrones(OutputDataset& out, const AccessResult& access);
void write_dead_ends(OutputDataset& out, const Study& study, const AccessResult& access);
void write_components(OutputDataset& out, const Study& study, const RoadGraph& graph, const AccessResult& access);
// town_ids / town_names in the order of the coverage towns.
void write_gaps(OutputDataset& out, const CoverageResult& coverage, const std::vector<std::string>& town_ids,
                const std::vector<std::string>& town_names);
void write_extensions(OutputDataset& out, const CoverageResult& coverage, const std::vector<std::string>& town_ids,
                      const std::vector<std::string>& town_names);

}  // namespace townsite::tools
