#include "geo/options.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace townsite {

namespace {

std::string number_text(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

std::string range_text(double min, double max) { return number_text(min) + " to " + number_text(max); }

// Numbers as the planner writes them: whole numbers without ".0".
bool whole(double v) { return std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15; }

void put_number(toml::table& out, const std::string& key, double v) {
    if (whole(v)) out.insert_or_assign(key, static_cast<std::int64_t>(v));
    else out.insert_or_assign(key, v);
}

void push_number(toml::array& out, double v) {
    if (whole(v)) out.push_back(static_cast<std::int64_t>(v));
    else out.push_back(v);
}

// A value as a planner would write it in the config (numbers rounded to 10 digits, text in double
// quotes), for the listing of defaults.
std::string value_text(const toml::node& n) {
    if (const auto* v = n.as_floating_point()) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.10g", v->get());
        return buf;
    }
    if (const auto* v = n.as_integer()) return std::to_string(v->get());
    if (const auto* v = n.as_boolean()) return v->get() ? "true" : "false";
    if (const auto* v = n.as_string()) return "\"" + v->get() + "\"";
    std::string out;
    if (const toml::array* a = n.as_array()) {
        for (const auto& item : *a) {
            if (!out.empty()) out += ", ";
            out += value_text(item);
        }
        return "[" + out + "]";
    }
    if (const toml::table* t = n.as_table()) {
        for (const auto& [k, v] : *t) {
            if (!out.empty()) out += ", ";
            out += '"';
            out += k.str();
            out += "\" = ";
            out += value_text(v);
        }
        return "{" + out + "}";
    }
    return out;
}

}  // namespace

OptionTable::Entry OptionTable::describe_entry(std::string key, std::string kind, std::string range, std::string unit, std::string help) {
    Entry e;
    e.key = std::move(key);
    e.kind = std::move(kind);
    e.range = std::move(range);
    e.unit = std::move(unit);
    e.help = std::move(help);
    return e;
}

std::string OptionTable::choices_text(const std::vector<std::string>& choices) {
    std::string out;
    for (std::size_t i = 0; i < choices.size(); ++i) out += (i == 0 ? "" : i + 1 == choices.size() ? " or " : ", ") + choices[i];
    return out;
}

OptionTable::Entry& OptionTable::add(Entry e) {
    m_entries.push_back(std::move(e));
    return m_entries.back();
}

void OptionTable::read_keys(const toml::table& table, void* target, Problems& problems) const {
    for (const Entry& e : m_entries)
        if (table.get(e.key)) e.read(table, "", target, problems);
}

void OptionTable::read_table(const toml::table& table, const std::string& path, void* target, Problems& problems) const {
    std::vector<std::string> keys;
    const Entry* any = nullptr;   // reads every key not declared
    for (const Entry& e : m_entries) {
        if (e.any_key) any = &e;
        else keys.push_back(e.key);
    }
    if (!any) check_keys(table, path, keys, problems);
    ConfigPlace place{path, config_line(table), {}};
    for (const auto& [k, v] : table) place.keys[std::string(k.str())] = static_cast<int>(k.source().begin.line);
    for (const Entry& e : m_entries)
        if (!e.any_key && table.get(e.key)) e.read(table, path, target, problems);
    if (any)
        for (const auto& [k, v] : table)
            if (std::find(keys.begin(), keys.end(), std::string(k.str())) == keys.end()) any->read_named(table, path, std::string(k.str()), target, problems);
    for (const auto& check : m_checks) check(target, place, problems);
}

std::vector<OptionInfo> OptionTable::describe(const void* defaults, const std::string& prefix) const {
    std::vector<OptionInfo> out;
    const toml::table values = as_toml(defaults);
    for (const Entry& e : m_entries) {
        if (e.inner) {
            // A nested table lists its keys with our defaults for them; a list of tables its item's keys.
            const void* inner_defaults = e.inner_defaults(defaults);
            auto inner = inner_defaults ? e.inner->describe(inner_defaults, prefix + e.key + ".") : e.inner->describe_defaults();
            if (!inner_defaults)
                for (auto& i : inner) i.key = prefix + e.key + (e.any_key ? "." : "[].") + i.key;
            out.insert(out.end(), inner.begin(), inner.end());
            continue;
        }
        const toml::node* value = values.get(e.key);
        out.push_back({prefix + e.key, e.kind, e.range, e.unit, value ? value_text(*value) : "(none)", e.help});
    }
    return out;
}

toml::table OptionTable::as_toml(const void* values) const {
    toml::table out;
    for (const Entry& e : m_entries) e.write(values, out);
    return out;
}

OptionTable::Entry OptionTable::number_entry(std::string key, std::function<double&(void*)> at, double min, double max, std::string unit,
                                             std::string help) {
    Entry e = describe_entry(key, "number", range_text(min, max), std::move(unit), std::move(help));
    e.read = [at, key, min, max](const toml::table& parent, const std::string& path, void* target, Problems& problems) {
        read_number(parent, path, key, at(target), min, max, problems);
    };
    e.write = [at, key](const void* values, toml::table& out) {
        const double v = at(const_cast<void*>(values));
        if (std::isfinite(v)) put_number(out, key, v);
    };
    return e;
}

OptionTable::Entry OptionTable::integer_entry(std::string key, std::function<int&(void*)> at, int min, int max, std::string help) {
    Entry e = describe_entry(key, "whole number", std::to_string(min) + " to " + std::to_string(max), "", std::move(help));
    e.read = [at, key, min, max](const toml::table& parent, const std::string& path, void* target, Problems& problems) {
        read_integer(parent, path, key, at(target), min, max, problems);
    };
    e.write = [at, key](const void* values, toml::table& out) { out.insert_or_assign(key, at(const_cast<void*>(values))); };
    return e;
}

OptionTable::Entry OptionTable::text_entry(std::string key, std::function<std::string&(void*)> at, std::vector<std::string> choices,
                                           std::string help) {
    Entry e = describe_entry(key, "text", choices_text(choices), "", std::move(help));
    e.read = [at, key, choices](const toml::table& parent, const std::string& path, void* target, Problems& problems) {
        read_text(parent, path, key, at(target), problems, choices);
    };
    e.write = [at, key](const void* values, toml::table& out) { out.insert_or_assign(key, at(const_cast<void*>(values))); };
    return e;
}

OptionTable::Entry OptionTable::flag_entry(std::string key, std::function<bool&(void*)> at, std::string help) {
    Entry e = describe_entry(key, "true/false", "", "", std::move(help));
    e.read = [at, key](const toml::table& parent, const std::string& path, void* target, Problems& problems) {
        read_bool(parent, path, key, at(target), problems);
    };
    e.write = [at, key](const void* values, toml::table& out) { out.insert_or_assign(key, at(const_cast<void*>(values))); };
    return e;
}

OptionTable::Entry OptionTable::texts_entry(std::string key, std::function<std::vector<std::string>&(void*)> at, bool non_empty,
                                            std::string help) {
    Entry e = describe_entry(key, "list of text", non_empty ? "at least one" : "", "", std::move(help));
    e.read = [at, key, non_empty](const toml::table& parent, const std::string& path, void* target, Problems& problems) {
        std::vector<std::string>& out = at(target);
        read_text_list(parent, path, key, out, problems);
        if (const toml::array* a = parent.get(key)->as_array(); non_empty && a && a->empty())
            problems.push_back({config_line(*parent.get(key)), "\"" + path + "." + key + "\" is empty", "give at least one: " + key + " = [\"...\"]."});
    };
    e.write = [at, key](const void* values, toml::table& out) {
        toml::array a;
        for (const auto& s : at(const_cast<void*>(values))) a.push_back(s);
        out.insert_or_assign(key, std::move(a));
    };
    return e;
}

OptionTable::Entry OptionTable::numbers_entry(std::string key, std::function<std::vector<double>&(void*)> at, double min, double max,
                                              std::string unit, std::string help) {
    Entry e = describe_entry(key, "list of numbers", range_text(min, max), unit, std::move(help));
    e.read = [at, key, min, max, unit](const toml::table& parent, const std::string& path, void* target, Problems& problems) {
        const toml::node& n = *parent.get(key);
        std::vector<double> got;
        const toml::array* arr = n.as_array();
        if (arr)
            for (const auto& v : *arr)
                if (const auto x = finite_number(v); x && *x >= min && *x <= max) got.push_back(*x);
        if (!arr || got.size() != arr->size() || got.empty()) {
            std::string example;
            for (double v : at(target)) example += (example.empty() ? "" : ", ") + number_text(v);
            problems.push_back({config_line(n), "\"" + path + "." + key + "\" must be a list of " + (unit.empty() ? "numbers" : unit) + " from " +
                                                    range_text(min, max),
                                "e.g. " + key + " = [" + example + "]."});
            return;
        }
        std::sort(got.begin(), got.end());
        at(target) = got;
    };
    e.write = [at, key](const void* values, toml::table& out) {
        toml::array a;
        for (double v : at(const_cast<void*>(values))) push_number(a, v);
        out.insert_or_assign(key, std::move(a));
    };
    return e;
}

OptionTable::Entry OptionTable::pairs_entry(std::string key, std::function<std::vector<std::pair<double, double>>&(void*)> at, std::string first,
                                            std::string second, std::string help) {
    Entry e = describe_entry(key, "list of [" + first + ", " + second + "]", first + " above 0, " + second + " 0 or more", "", std::move(help));
    e.read = [at, key, first, second](const toml::table& parent, const std::string& path, void* target, Problems& problems) {
        const toml::node& n = *parent.get(key);
        std::vector<std::pair<double, double>> got;
        bool ok = n.is_array();
        if (ok)
            for (const auto& item : *n.as_array()) {
                const toml::array* pair = item.as_array();
                const auto a = pair && pair->size() == 2 ? finite_number((*pair)[0]) : std::nullopt;
                const auto b = pair && pair->size() == 2 ? finite_number((*pair)[1]) : std::nullopt;
                if (!a || !b || *a <= 0 || *b < 0) {
                    ok = false;
                    break;
                }
                got.emplace_back(*a, *b);
            }
        if (!ok || got.empty()) {
            std::string example;
            for (const auto& [a, b] : at(target)) {
                if (!example.empty()) example += ", ";
                example += "[";
                example += number_text(a);
                example += ", ";
                example += number_text(b);
                example += "]";
            }
            problems.push_back({config_line(n), "\"" + path + "." + key + "\" must be a list of [" + first + ", " + second + "] pairs",
                                "e.g. " + key + " = [" + example + "]."});
            return;
        }
        std::sort(got.begin(), got.end());
        at(target) = got;
    };
    e.write = [at, key](const void* values, toml::table& out) {
        toml::array a;
        for (const auto& [x, y] : at(const_cast<void*>(values))) {
            toml::array pair;
            push_number(pair, x);
            push_number(pair, y);
            a.push_back(std::move(pair));
        }
        out.insert_or_assign(key, std::move(a));
    };
    return e;
}

OptionTable::Entry OptionTable::map_entry(std::string key, MapAccess at, double min, double max, bool whole_numbers, std::string unit,
                                          std::string help) {
    Entry e = describe_entry(key, std::string("table of name = ") + (whole_numbers ? "whole number" : "number"), range_text(min, max), unit,
                             std::move(help));
    e.read = [at, key, min, max, whole_numbers, unit](const toml::table& parent, const std::string& path, void* target, Problems& problems) {
        const toml::node& n = *parent.get(key);
        const std::string where = join_path(path, key);
        const toml::table* t = n.as_table();
        if (!t) {
            problems.push_back({config_line(n), "\"" + where + "\" must be a table of name = " + (unit.empty() ? "number" : unit),
                                "write " + key + " = { name = " + number_text(std::max(min, 1.0)) + " }."});
            return;
        }
        // An example value: the entry's default, else another entry's, else the smallest allowed.
        const auto defaults = at.get(target);
        auto example_for = [&](const std::string& name) {
            for (const auto& [k, v] : defaults)
                if (k == name) return number_text(v);
            return defaults.empty() ? number_text(std::max(min, 1.0)) : number_text(defaults.front().second);
        };
        at.clear(target);
        for (const auto& [k, v] : *t) {
            const std::string name(k.str());
            const auto x = finite_number(v);
            if (!x || *x < min || *x > max || (whole_numbers && !v.is_integer()))
                problems.push_back({static_cast<int>(k.source().begin.line),
                                    "\"" + where + "." + name + "\" must be a " + (whole_numbers ? "whole number" : "number") +
                                        (unit.empty() ? "" : " of " + unit) + " from " + range_text(min, max),
                                    "write \"" + name + "\" = " + example_for(name) + "."});
            else
                at.set(target, name, *x);
        }
    };
    e.write = [at, key](const void* values, toml::table& out) {
        toml::table t;
        for (const auto& [name, v] : at.get(values)) put_number(t, name, v);
        out.insert_or_assign(key, std::move(t));
    };
    return e;
}

OptionTable::Entry OptionTable::matrix_entry(std::string key, std::function<std::vector<std::vector<double>>&(void*)> at, std::string help) {
    Entry e = describe_entry(key, "matrix", "positive numbers or fractions in quotes (\"1/3\")", "", std::move(help));
    e.read = [at, key](const toml::table& parent, const std::string& path, void* target, Problems& problems) {
        const toml::node& n = *parent.get(key);
        std::vector<std::vector<double>> rows;
        bool ok = n.is_array();
        if (ok)
            for (const auto& row : *n.as_array()) {
                if (!row.is_array()) {
                    ok = false;
                    break;
                }
                std::vector<double> r;
                for (const auto& v : *row.as_array()) {
                    // A number, or a fraction in quotes ("1/3"): TOML has no fractions, planners do.
                    double a = NAN, b = NAN;
                    char rest = 0;
                    if (const auto x = finite_number(v); x && *x > 0) r.push_back(*x);
                    else if (v.is_string() && std::sscanf(v.value<std::string>()->c_str(), "%lf / %lf %c", &a, &b, &rest) == 2 && b != 0 &&
                             std::isfinite(a / b) && a / b > 0)
                        r.push_back(a / b);
                    else {
                        ok = false;
                        break;
                    }
                }
                if (!ok) break;
                rows.push_back(r);
            }
        if (!ok) {
            std::string what = "\"";
            what += join_path(path, key);
            what += "\" must be a matrix of positive numbers, one row per indicator";
            std::string fix = "e.g. ";
            fix += key;
            fix += " = [[1, 3], [\"1/3\", 1]] for two indicators (a_ji = 1 / a_ij; fractions in quotes).";
            problems.push_back({config_line(n), what, fix});
            return;
        }
        at(target) = rows;
    };
    e.write = [at, key](const void* values, toml::table& out) {
        toml::array a;
        for (const auto& row : at(const_cast<void*>(values))) {
            toml::array r;
            for (double v : row) push_number(r, v);
            a.push_back(std::move(r));
        }
        if (!a.empty()) out.insert_or_assign(key, std::move(a));
    };
    return e;
}

}  // namespace townsite
