// options: the options of a config section, each declared once (key, where it goes in the options
// struct, range or choices, unit, default, help), as GDAL's algorithms declare each argument once.
// The key check with "did you mean", the reading with its error messages, the listing of `townsite
// config` and the options as used (in the manifest) all come from the declaration, so that an option
// is named in one place only.
//
//   const Options<AccessOptions>& spec() {
//       static const auto s = Options<AccessOptions>("access", "travel times, catchments, isochrones")
//           .number("isochrone_buffer_m", &AccessOptions::isochrone_buffer_m, 1, 5000, "m", "half-width of the band around reached roads");
//       return s;
//   }
//   AccessOptions opt = spec().read(config);   // throws one Error with every problem of [access]
//
// A section that is absent leaves the defaults: the struct's member initialisers, or the `defaults`
// given to read(). Every problem names the config file, the line and the key, and gives the range.
#pragma once

#include "geo/config.h"

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace townsite {

// Where a table of the config is, for checks that look at several keys at once.
struct ConfigPlace {
    std::string path;                    // "selection.tiers"
    int line = 0;                        // of the table
    std::map<std::string, int> keys;     // the keys given, with their lines
    bool given(const std::string& key) const { return keys.count(key) > 0; }
    int line_of(const std::string& key) const { return given(key) ? keys.at(key) : line; }
};

// One option as `townsite config` lists it.
struct OptionInfo {
    std::string key;       // "e2sfca.catchment_min"; an entry of a list of tables is "tiers[].count"
    std::string kind;      // "number", "whole number", "text", "true/false", "list of text", ...
    std::string range;     // "1 to 5000", "direct, ahp or entropy", or empty
    std::string unit;
    std::string default_value;   // as TOML writes it
    std::string help;
};

// The type-erased core: entries that read from and write to a struct through accessors.
class OptionTable {
public:
    using Problems = std::vector<ConfigProblem>;

    OptionTable(std::string name, std::string help) : m_name(std::move(name)), m_help(std::move(help)) {}
    virtual ~OptionTable() = default;
    const std::string& name() const { return m_name; }
    // Every option with its default, for `townsite config`.
    virtual std::vector<OptionInfo> describe_defaults() const = 0;
    const std::string& help() const { return m_help; }

    // Reads `table` (found at `path`) into the struct at `target`: unknown keys, wrong types and values
    // out of range are problems; the checks run last.
    void read_table(const toml::table& table, const std::string& path, void* target, Problems& problems) const;
    // Reads the declared keys present in `table` (at the top level: no path), without checking the others.
    void read_keys(const toml::table& table, void* target, Problems& problems) const;
    // Every option with its default (taken from `defaults`), nested tables prefixed with their key.
    std::vector<OptionInfo> describe(const void* defaults, const std::string& prefix = "") const;
    // The options of `values` as a TOML table: what a run used, defaults included.
    toml::table as_toml(const void* values) const;

protected:
    struct Entry {
        std::string key, kind, range, unit, help;
        // Reads this entry's key of `parent` (found at `path`), present there.
        std::function<void(const toml::table& parent, const std::string& path, void* target, Problems&)> read;
        std::function<void(const void* values, toml::table& out)> write;   // puts the value under `key`
        const OptionTable* inner = nullptr;                                // a nested table's declaration
        std::function<const void*(const void*)> inner_defaults;            // its defaults within ours
        // An entry for every key the section's other entries do not declare ([services.<kind>]):
        // read_named reads one such key. At most one per table; `key` is the placeholder ("<kind>").
        bool any_key = false;
        std::function<void(const toml::table& parent, const std::string& path, const std::string& key, void* target, Problems&)> read_named;
    };
    Entry& add(Entry e);
    void add_check(std::function<void(void*, const ConfigPlace&, Problems&)> check) { m_checks.push_back(std::move(check)); }

    static Entry describe_entry(std::string key, std::string kind, std::string range, std::string unit, std::string help);
    static std::string choices_text(const std::vector<std::string>& choices);   // "a, b or c"
    // Readers on plain references, for the typed front below.
    static Entry number_entry(std::string key, std::function<double&(void*)> at, double min, double max, std::string unit, std::string help);
    static Entry integer_entry(std::string key, std::function<int&(void*)> at, int min, int max, std::string help);
    static Entry text_entry(std::string key, std::function<std::string&(void*)> at, std::vector<std::string> choices, std::string help);
    static Entry flag_entry(std::string key, std::function<bool&(void*)> at, std::string help);
    static Entry texts_entry(std::string key, std::function<std::vector<std::string>&(void*)> at, bool non_empty, std::string help);
    static Entry numbers_entry(std::string key, std::function<std::vector<double>&(void*)> at, double min, double max, std::string unit,
                               std::string help);
    static Entry pairs_entry(std::string key, std::function<std::vector<std::pair<double, double>>&(void*)> at, std::string first,
                             std::string second, std::string help);
    // A table of name = number: `clear` runs before the entries are read (to replace the defaults
    // rather than add to them), `set` stores one, `get` lists them for the manifest.
    struct MapAccess {
        std::function<void(void*)> clear;
        std::function<void(void*, const std::string&, double)> set;
        std::function<std::vector<std::pair<std::string, double>>(const void*)> get;
    };
    static Entry map_entry(std::string key, MapAccess at, double min, double max, bool whole, std::string unit, std::string help);
    static Entry matrix_entry(std::string key, std::function<std::vector<std::vector<double>>&(void*)> at, std::string help);
    // "a.b" of a table at "a" (just "b" at the top level).
    static std::string join_path(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }

private:
    std::string m_name, m_help;
    std::vector<Entry> m_entries;
    std::vector<std::function<void(void*, const ConfigPlace&, Problems&)>> m_checks;
};

// The typed front: each declaration binds a key to a member (or to what an accessor returns).
template <class Opts>
class Options : public OptionTable {
public:
    // `defaults` makes the struct a section starts from (default: its member initialisers).
    Options(std::string name, std::string help, std::function<Opts()> defaults = [] { return Opts{}; })
        : OptionTable(std::move(name), std::move(help)), m_defaults(std::move(defaults)) {}
    Opts defaults() const { return m_defaults(); }

    Options& number(std::string key, double Opts::*m, double min, double max, std::string unit, std::string help) {
        add(number_entry(std::move(key), member(m), min, max, std::move(unit), std::move(help)));
        return *this;
    }
    Options& integer(std::string key, int Opts::*m, int min, int max, std::string help) {
        add(integer_entry(std::move(key), member(m), min, max, std::move(help)));
        return *this;
    }
    Options& text(std::string key, std::string Opts::*m, std::string help, std::vector<std::string> choices = {}) {
        add(text_entry(std::move(key), member(m), std::move(choices), std::move(help)));
        return *this;
    }
    Options& flag(std::string key, bool Opts::*m, std::string help) {
        add(flag_entry(std::move(key), member(m), std::move(help)));
        return *this;
    }
    Options& texts(std::string key, std::vector<std::string> Opts::*m, std::string help, bool non_empty = false) {
        add(texts_entry(std::move(key), member(m), non_empty, std::move(help)));
        return *this;
    }
    // A list of numbers in [min, max], kept sorted.
    Options& numbers(std::string key, std::vector<double> Opts::*m, double min, double max, std::string unit, std::string help) {
        add(numbers_entry(std::move(key), member(m), min, max, std::move(unit), std::move(help)));
        return *this;
    }
    // A list of [first, second] pairs of numbers above 0 (first) and at least 0 (second), kept sorted.
    Options& pairs(std::string key, std::vector<std::pair<double, double>> Opts::*m, std::string first, std::string second, std::string help) {
        add(pairs_entry(std::move(key), member(m), std::move(first), std::move(second), std::move(help)));
        return *this;
    }
    // A table of name = number in [min, max], merged over the defaults.
    Options& number_map(std::string key, std::map<std::string, double> Opts::*m, double min, double max, std::string unit, std::string help) {
        add(map_entry(std::move(key), map_access(m), min, max, false, std::move(unit), std::move(help)));
        return *this;
    }
    // A table of name = whole number in [min, max], merged over the defaults.
    Options& whole_map(std::string key, std::map<std::string, int> Opts::*m, int min, int max, std::string help) {
        add(map_entry(std::move(key), map_access(m), min, max, true, "", std::move(help)));
        return *this;
    }
    // A table of name = number that replaces the defaults whole, stored by `set` and listed by `get`.
    Options& number_entries(std::string key, std::function<void(Opts&)> clear, std::function<void(Opts&, const std::string&, double)> set,
                            std::function<std::vector<std::pair<std::string, double>>(const Opts&)> get, double min, double max, std::string unit,
                            std::string help) {
        MapAccess a{[clear](void* t) { clear(*static_cast<Opts*>(t)); },
                    [set](void* t, const std::string& k, double v) { set(*static_cast<Opts*>(t), k, v); },
                    [get](const void* t) { return get(*static_cast<const Opts*>(t)); }};
        add(map_entry(std::move(key), std::move(a), min, max, false, std::move(unit), std::move(help)));
        return *this;
    }
    // One of the named choices, stored as its value (an enum, a flag, ...).
    template <class T>
    Options& choice(std::string key, T Opts::*m, std::vector<std::pair<std::string, T>> choices, std::string help) {
        std::vector<std::string> words;
        for (const auto& [w, v] : choices) words.push_back(w);
        Entry e = describe_entry(key, "text", choices_text(words), "", std::move(help));
        e.read = [m, key, words, choices](const toml::table& parent, const std::string& path, void* target, Problems& problems) {
            std::string word;
            for (const auto& [w, v] : choices)
                if (v == static_cast<Opts*>(target)->*m) word = w;
            const std::size_t before = problems.size();
            read_text(parent, path, key, word, problems, words);
            if (problems.size() != before) return;
            for (const auto& [w, v] : choices)
                if (w == word) static_cast<Opts*>(target)->*m = v;
        };
        e.write = [m, key, choices](const void* values, toml::table& out) {
            for (const auto& [w, v] : choices)
                if (v == static_cast<const Opts*>(values)->*m) out.insert_or_assign(key, w);
        };
        add(std::move(e));
        return *this;
    }
    // A square matrix of positive numbers; a fraction may be written in quotes ("1/3").
    Options& matrix(std::string key, std::vector<std::vector<double>> Opts::*m, std::string help) {
        add(matrix_entry(std::move(key), member(m), std::move(help)));
        return *this;
    }
    // [[section.key]] tables, each read by `item` from the item's defaults; given, they replace the defaults.
    template <class Item>
    Options& tables(std::string key, std::vector<Item> Opts::*m, const Options<Item>& item, std::string help) {
        Entry e = describe_entry(key, "[[tables]]", "one or more", "", std::move(help));
        e.inner = &item;
        e.read = [m, key, &item](const toml::table& parent, const std::string& path, void* target, Problems& problems) {
            const toml::node& n = *parent.get(key);
            const toml::array* arr = n.as_array();
            const std::string where = join_path(path, key);
            if (!arr || !arr->is_array_of_tables() || arr->empty()) {
                problems.push_back({config_line(n), "\"" + where + "\" must be one or more [[" + where + "]] tables",
                                    "write [[" + where + "]] with " + item.help() + "."});
                return;
            }
            std::vector<Item> items;
            for (const auto& t : *arr) {
                Item it = item.defaults();
                item.read_table(*t.as_table(), where, &it, problems);
                items.push_back(std::move(it));
            }
            static_cast<Opts*>(target)->*m = std::move(items);
        };
        e.write = [m, key, &item](const void* values, toml::table& out) {
            toml::array a;
            for (const Item& it : static_cast<const Opts*>(values)->*m) a.push_back(item.as_toml(it));
            out.insert_or_assign(key, std::move(a));
        };
        e.inner_defaults = [](const void*) -> const void* { return nullptr; };   // listed from the item's own defaults
        add(std::move(e));
        return *this;
    }
    // [section.<name>] tables, one per name the config gives (e.g. [services.elderly_care]), each read
    // by `item` from the item's defaults into (*m)[name]; `placeholder` ("<kind>") stands for the
    // name in `townsite config`. The section's other keys must then be declared before it.
    template <class Item>
    Options& named_tables(std::string placeholder, std::map<std::string, Item> Opts::*m, const Options<Item>& item, std::string help) {
        Entry e = describe_entry(std::move(placeholder), "table per name", "", "", std::move(help));
        e.inner = &item;
        e.any_key = true;
        e.read = [](const toml::table&, const std::string&, void*, Problems&) {};
        e.read_named = [m, &item](const toml::table& parent, const std::string& path, const std::string& key, void* target, Problems& problems) {
            const toml::node& n = *parent.get(key);
            const std::string where = join_path(path, key);
            const toml::table* t = n.as_table();
            if (!t) {
                problems.push_back({config_line(n), "\"" + where + "\" must be a table", "write a [" + where + "] section with " + item.help() + "."});
                return;
            }
            Item it = item.defaults();
            item.read_table(*t, where, &it, problems);
            (static_cast<Opts*>(target)->*m)[key] = std::move(it);
        };
        e.write = [m, &item](const void* values, toml::table& out) {
            for (const auto& [name, it] : static_cast<const Opts*>(values)->*m) out.insert_or_assign(name, item.as_toml(it));
        };
        e.inner_defaults = [](const void*) -> const void* { return nullptr; };   // listed from the item's own defaults
        add(std::move(e));
        return *this;
    }
    // A nested table [section.key] read by its own declaration into what `at` returns.
    template <class Inner>
    Options& table(std::string key, std::function<Inner&(Opts&)> at, const Options<Inner>& inner, std::string help) {
        Entry e;
        e.key = std::move(key);
        e.kind = "table";
        e.help = std::move(help);
        e.inner = &inner;
        e.read = [at, &inner, k = e.key](const toml::table& parent, const std::string& path, void* target, Problems& problems) {
            const toml::node& n = *parent.get(k);
            if (const toml::table* t = n.as_table()) inner.read_table(*t, path + "." + k, &at(*static_cast<Opts*>(target)), problems);
            else
                problems.push_back({config_line(n), "\"" + path + "." + k + "\" must be a table", "write a [" + path + "." + k + "] section."});
        };
        e.write = [at, &inner, k = e.key](const void* values, toml::table& out) {
            out.insert_or_assign(k, static_cast<const OptionTable&>(inner).as_toml(&at(*const_cast<Opts*>(static_cast<const Opts*>(values)))));
        };
        e.inner_defaults = [at](const void* defaults) -> const void* { return &at(*const_cast<Opts*>(static_cast<const Opts*>(defaults))); };
        add(std::move(e));
        return *this;
    }
    // Checks across keys, after every key was read: e.g. a maximum below a minimum.
    Options& check(std::function<void(Opts&, const ConfigPlace&, Problems&)> f) {
        add_check([f](void* target, const ConfigPlace& place, Problems& problems) { f(*static_cast<Opts*>(target), place, problems); });
        return *this;
    }

    // The section [name] of the config over the defaults; throws one Error with every problem.
    Opts read(const StudyConfig& config) const {
        Opts values = defaults();
        Problems problems;
        if (const toml::table* t = config_section(config, name(), problems)) read_table(*t, name(), &values, problems);
        throw_config_problems(config.path, problems);
        return values;
    }
    // Keys of the top level of the config (e.g. [[town_types]]), over the defaults: only the declared
    // keys are read (the top level's other keys are the config's own).
    Opts read_top_level(const StudyConfig& config) const {
        Opts values = defaults();
        Problems problems;
        read_keys(config.table, &values, problems);
        throw_config_problems(config.path, problems);
        return values;
    }
    std::vector<OptionInfo> describe_defaults() const override {
        const Opts d = defaults();
        return OptionTable::describe(&d);
    }
    toml::table as_toml(const Opts& values) const { return OptionTable::as_toml(&values); }

private:
    std::function<Opts()> m_defaults;

    template <class V>
    static MapAccess map_access(std::map<std::string, V> Opts::*m) {
        return {[](void*) {}, [m](void* t, const std::string& k, double v) { (static_cast<Opts*>(t)->*m)[k] = static_cast<V>(v); },
                [m](const void* t) {
                    std::vector<std::pair<std::string, double>> out;
                    for (const auto& [k, v] : static_cast<const Opts*>(t)->*m) out.emplace_back(k, static_cast<double>(v));
                    return out;
                }};
    }
    template <class T>
    static std::function<T&(void*)> member(T Opts::*m) {
        return [m](void* target) -> T& { return static_cast<Opts*>(target)->*m; };
    }
};

}  // namespace townsite
