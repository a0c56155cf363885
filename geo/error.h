// townsite::Error: the one error type of the project. It carries where the problem is (file, layer,
// feature id, field, config line) and a hint that tells the user what to do. Inner code throws what
// it knows; callers add context as the error unwinds (with_file, with_layer, ...). Only main catches.
//
//   throw Error("field \"pop\" is text (\"约3万\"), expected a number")
//       .with_feature("17").with_field("pop")
//       .with_hint("map population to a numeric field in [layers.towns.fields] or clean the column.");
//
// what() reads: `towns.shp, layer "towns", feature 17: field "pop" is text ("约3万"), expected a
// number. Fix: map population to a numeric field in [layers.towns.fields] or clean the column.`
#pragma once

#include <optional>
#include <stdexcept>
#include <string>

namespace townsite {

class Error : public std::exception {
public:
    explicit Error(std::string message) : m_message(std::move(message)) { compose(); }

    Error& with_file(std::string file) { if (m_file.empty()) m_file = std::move(file); compose(); return *this; }
    Error& with_line(int line) { if (m_line == 0) m_line = line; compose(); return *this; }
    Error& with_layer(std::string layer) { if (m_layer.empty()) m_layer = std::move(layer); compose(); return *this; }
    Error& with_feature(std::string id) { if (m_feature.empty()) m_feature = std::move(id); compose(); return *this; }
    Error& with_field(std::string field) { if (m_field.empty()) m_field = std::move(field); compose(); return *this; }
    Error& with_hint(std::string hint) { if (m_hint.empty()) m_hint = std::move(hint); compose(); return *this; }

    const std::string& file() const { return m_file; }
    int line() const { return m_line; }
    const std::string& layer() const { return m_layer; }
    const std::string& feature() const { return m_feature; }
    const std::string& field() const { return m_field; }
    const std::string& hint() const { return m_hint; }
    const std::string& message() const { return m_message; }

    // Further problems found in the same pass (config checks report all problems at once).
    Error& also(const Error& other);
    size_t count() const { return 1 + m_more_count; }

    const char* what() const noexcept override { return m_what.c_str(); }

private:
    void compose();

    std::string m_message, m_file, m_layer, m_feature, m_field, m_hint;
    int m_line = 0;
    std::string m_more;  // what() of the further problems, one per line
    size_t m_more_count = 0;
    std::string m_what;
};

// Gathers the problems found in one pass into one Error: the first, with the others added by also().
//
//   Errors errors;
//   for (...) try { check(x); } catch (const Error& e) { errors.add(e); }
//   errors.throw_if_any();
class Errors {
public:
    void add(const Error& e) {
        if (m_first) m_first->also(e);
        else m_first = e;
    }
    bool empty() const { return !m_first.has_value(); }
    void throw_if_any() const {
        if (m_first) throw *m_first;
    }

private:
    std::optional<Error> m_first;
};

// The GDAL error message of the last failed call, or `fallback` when GDAL said nothing.
std::string gdal_last_error(const std::string& fallback = "");

}  // namespace townsite
