#include "geo/error.h"

#include <cpl_error.h>

namespace townsite {

void Error::compose() {
    std::string where;
    auto add = [&where](const std::string& part) {
        if (part.empty()) return;
        if (!where.empty()) where += ", ";
        where += part;
    };
    add(m_file.empty() ? "" : (m_line > 0 ? m_file + ":" + std::to_string(m_line) : m_file));
    add(m_layer.empty() ? "" : "layer \"" + m_layer + "\"");
    add(m_feature.empty() ? "" : "feature " + m_feature);
    m_what = where.empty() ? m_message : where + ": " + m_message;
    if (!m_hint.empty()) {
        if (!m_what.empty() && m_what.back() != '.') m_what += '.';
        m_what += " Fix: " + m_hint;
    }
    m_what += m_more;
}

Error& Error::also(const Error& other) {
    m_more += "\n";
    m_more += other.what();
    m_more_count += other.count();
    compose();
    return *this;
}

std::string gdal_last_error(const std::string& fallback) {
    const char* msg = CPLGetLastErrorMsg();
    std::string text = msg ? msg : "";
    return text.empty() ? fallback : text;
}

}  // namespace townsite
