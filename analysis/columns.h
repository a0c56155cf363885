// columns: every field townsite writes, declared once: its name, type, unit, Chinese and English
// label, the step that produces it and what it means, per output layer. The writers' fields, the
// QGIS aliases (QML styles), the table headers, `townsite fields` and the README's field tables all
// come from here; a test checks that every field a run writes is registered and that the README
// lists them all.
//
//   Column c = column("towns", "county_seat_min");              // a fixed column
//   Column w = column("towns", "{utility}_share_pct", {"water", "供水", "water"});   // a family member
//   c.label(Lang::both)   // "至县城 to the county seat (min)": the alias QGIS shows
//
// A family's name holds one placeholder in braces ({utility}, {kind}, {minutes}, {indicator},
// {tier}, {scenario}, {extra_field}); the Fill gives its value in the name and its words in the labels.
#pragma once

#include "geo/text.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace townsite {

enum class ColumnType { Text, Real, Integer, Integer64, Flag };   // Flag: 1 yes, 0 no, empty unknown

struct ColumnSpec {
    std::string_view layers;   // the output layers it appears in, separated by spaces
    std::string_view name;     // may hold one placeholder
    ColumnType type;
    std::string_view unit;     // "min", "km", "m", "km²", "%", "persons", ... or empty
    std::string_view zh, en;   // labels, with the placeholder where the name has one
    std::string_view step;     // input, access, coverage, proximity, scoring, types, selection, ...
    std::string_view description;
};

// The registry, grouped by layer in the order the README lists them.
const std::vector<ColumnSpec>& column_specs();

// The output layers the registry knows, in the README's order.
const std::vector<std::string_view>& column_layers();

struct Column {
    std::string name;
    ColumnType type = ColumnType::Real;
    std::string unit, zh, en, step, description;
    // "中文 (unit)", "English (unit)" or "中文 English (unit)": the alias QGIS shows in place of the name.
    std::string label(Lang lang) const;
};

// What fills a family's placeholder: the value in the name and the words in the two labels.
struct Fill {
    std::string key, zh, en;
};

// The fill of a placeholder for a key: {utility} and {kind} in Chinese ("water" -> 供水),
// {minutes} as "30分钟" / "30 min", the others ({indicator}, {tier}, ...) the key itself.
Fill fill_of(std::string_view placeholder, const std::string& key);

// The column `name` (a fixed name, or a family's name with its placeholder) of `layer`. A name that
// is not registered for the layer is a bug: std::logic_error.
Column column(std::string_view layer, std::string_view name, const Fill& fill = {});

// The registered column a written name stands for (a family member's labels keep the placeholder's
// key in place of its words); nullopt when the layer has no such column.
std::optional<Column> find_column(std::string_view layer, std::string_view written_name);

// The registry's columns of one layer, in order; a family keeps its placeholder in the name and labels.
std::vector<Column> layer_columns(std::string_view layer);

// Every layer's fields as Markdown tables (the README's "Fields" section is this text).
std::string columns_markdown();

}  // namespace townsite
