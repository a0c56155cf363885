// townsite config [SECTION]: every option of the study config's sections, from their declarations:
// key, kind and range, unit, default and what it does.
#include "analysis/access.h"
#include "analysis/coverage.h"
#include "analysis/proximity.h"
#include "analysis/scenarios.h"
#include "analysis/scoring.h"
#include "analysis/selection.h"
#include "analysis/services.h"
#include "analysis/works.h"
#include "analysis/town_types.h"
#include "geo/error.h"
#include "tools/command.h"

#include <algorithm>
#include <iostream>

namespace townsite::tools {

const std::vector<const OptionTable*>& declared_sections() {
    static const std::vector<const OptionTable*> sections = {&network_option_table(),   &access_option_table(),    &coverage_option_table(),
                                                             &proximity_option_table(), &land_option_table(), &service_option_table(),   &scoring_option_table(),
                                                             &selection_option_table(), &town_type_option_table(), &scenario_option_table(),
                                                             &cost_option_table()};
    return sections;
}


void add_config(CLI::App& app, const Globals&, Runner& run) {
    auto section = std::make_shared<std::string>();
    CLI::App* cmd = app.add_subcommand("config", "Every option of the study config: kind, range, unit, default and meaning");
    cmd->add_option("SECTION", *section, "Only this section (network, access, coverage, proximity, land, services, scoring, selection, town_types, scenarios, costs)");
    cmd->footer("A list of tables ([[selection.tiers]]) shows the keys of one entry as tiers[].KEY. [layers.ROLE] is\n"
                "described in the README. Examples:\n"
                "  townsite config\n"
                "  townsite config access");
    cmd->callback([section, &run] {
        run = [section] {
            std::vector<std::string> names;
            for (const OptionTable* s : declared_sections()) names.push_back(s->name());
            if (!section->empty()) require_one_of("config section", *section, names);
            for (const OptionTable* s : declared_sections()) {
                if (!section->empty() && s->name() != *section) continue;
                // [[town_types]] is a list of tables at the top level of the config.
                const bool top_level = s == &town_type_option_table() || s == &scenario_option_table();
                std::cout << (top_level ? "[[" : "[") << s->name() << (top_level ? "]]  " : "]  ") << s->help() << "\n";
                for (OptionInfo o : s->describe_defaults()) {
                    if (top_level && o.key.rfind(s->name() + "[].", 0) == 0) o.key = o.key.substr(s->name().size() + 3);
                    // A long default (the built-in speed table) is shown by its size.
                    const std::string value = o.default_value.size() <= 60 ? o.default_value : "(built in: " + o.default_value.substr(0, 40) + " …)";
                    std::string head = "  " + o.key + " = " + value;
                    head.resize(std::max<std::size_t>(head.size() + 1, 44), ' ');
                    std::cout << head << o.help << " (" << o.kind << (o.range.empty() ? "" : ", " + o.range)
                              << (o.unit.empty() ? "" : ", " + o.unit) << ")\n";
                }
                std::cout << "\n";
            }
            return kOk;
        };
    });
}

}  // namespace townsite::tools
