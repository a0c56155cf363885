// workbook: towns.xlsx as a planning institute hands it over (libxlsxwriter): one sheet per table,
// one Chinese header row (label and unit; each header's comment gives the English field name and
// its meaning), bold and frozen, with an autofilter and column widths; numbers rounded to what they mean (minutes 1 decimal, km 2, shares 1, persons 0),
// statuses and yes/no in the language asked for (Chinese by default; the twin column in the other
// language, reason_en beside reason_zh, is left out unless both are asked for); and a last sheet describing every column (label, unit, step,
// how it is computed), all from the column registry.
//
//   write_workbook("out/towns.xlsx", "out/.tables.gpkg", {{"demo_towns", "示范镇"}, {"towns", "全部乡镇"}}, "Jilin 2022", geos, Lang::zh);
#pragma once

#include "geo/handles.h"
#include "geo/text.h"

#include <string>
#include <vector>

namespace townsite::tools {

// A layer of the source dataset, written as the sheet `title` (at most 31 characters, Excel's limit).
struct WorkbookSheet {
    std::string layer, title;
};

// Writes the sheets in order, then the column sheet. Layers missing from `source` are left out.
// Throws Error naming the file when it cannot be written. The same tables give the same bytes.
void write_workbook(const std::string& path, const std::string& source, const std::vector<WorkbookSheet>& sheets, const std::string& title,
                    const GeosContext& geos, Lang lang);

// The number of decimals a value of this unit is shown with (the registry's units); -1: no rule
// for the unit (the column's own size decides).
int decimals_for_unit(const std::string& unit);

}  // namespace townsite::tools
