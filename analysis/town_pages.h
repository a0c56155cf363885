// town_pages: one printable page per demonstration town (一镇一档), OUTDIR/towns/<id>.html: a map of
// the town and its surroundings (its area, the roads, the utility networks and its gaps, the proposed
// extensions, its villages, the protected sites within the heritage radius, the dead ends near it and
// their links), its score against its tier's cut-off with the contributions, its reason, type and
// stability, each utility's status, gap and extension, its public services against the standards,
// its works list and the road problems of its county. A4 print CSS, no scripts, no network.
//
//   for (const TownPage& p : town_pages(in)) write_text_file(folder.file(p.file), p.html);
#pragma once

#include "analysis/report.h"

#include <string>
#include <vector>

namespace townsite {

struct TownPage {
    std::size_t town = 0;
    std::string file;   // "towns/<id>.html" (characters other than letters, digits, - and _ as _)
    std::string html;
};

// The file of a town's page, relative to the output folder (what the report links to).
std::string town_page_file(const std::string& town_id);

// One page per town with a tier, in tier order and then by prefecture, county and id.
std::vector<TownPage> town_pages(const ReportInput& in);

}  // namespace townsite
