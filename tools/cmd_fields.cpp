// townsite fields [LAYER] [--markdown]: every field townsite writes, from the column registry:
// name, type, unit, Chinese and English label, the step that makes it and what it means.
#include "analysis/columns.h"
#include "geo/error.h"
#include "tools/command.h"

#include <algorithm>
#include <iostream>

namespace townsite::tools {

void add_fields(CLI::App& app, const Globals&, Runner& run) {
    struct Args {
        std::string layer;
        bool markdown = false;
    };
    auto a = std::make_shared<Args>();
    CLI::App* cmd = app.add_subcommand("fields", "Every field of every output layer: type, unit, Chinese and English label, meaning");
    cmd->add_option("LAYER", a->layer, "Only this output layer (towns, villages, demo_towns, ...)");
    cmd->add_flag("--markdown", a->markdown, "As Markdown tables (the README's field tables are this output)");
    cmd->footer("A name in braces stands for a family: {utility} is water, gas, heating, sewage or garbage; {kind} a facility\n"
                "kind; {minutes} an [access] threshold; {indicator}, {tier} and {scenario} come from the config.\n"
                "Examples:\n"
                "  townsite fields towns\n"
                "  townsite fields --markdown > fields.md");
    cmd->callback([a, &run] {
        run = [a] {
            const auto& layers = column_layers();
            if (!a->layer.empty()) require_one_of("output layer", a->layer, std::vector<std::string>(layers.begin(), layers.end()));
            if (a->markdown) {
                std::cout << columns_markdown();
                return kOk;
            }
            for (std::string_view layer : layers) {
                if (!a->layer.empty() && layer != a->layer) continue;
                std::cout << layer << ":\n";
                for (const Column& c : layer_columns(layer)) {
                    std::string name = c.name;
                    name.resize(std::max<std::size_t>(name.size(), 28), ' ');
                    std::cout << "  " << name << " " << c.label(Lang::both) << " — " << c.description << " [" << c.step << "]\n";
                }
            }
            return kOk;
        };
    });
}

}  // namespace townsite::tools
