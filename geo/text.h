// Numbers and words as text, the one way every message, report and table writes them.
//
//   fmt(12.345) == "12.3";  fmt(12.345, 2) == "12.35";  fmt(NAN) == "–"
//   join({"a", "b"}) == "a, b"
//   "no field \"popluation\"" + did_you_mean("popluation", fields)   // ... (did you mean "population"?)
//   say(Lang::zh, "数据质量", "Data quality") == "数据质量";  say(Lang::both, ...) == "数据质量 Data quality"
#pragma once

#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace townsite {

// The language of what a person reads (report, town pages, workbook, QGIS titles, legends and
// aliases): Chinese (the default: the deliverables go to Chinese planning offices), English, or
// both side by side. Field names and data values stay as they are.
enum class Lang { zh, en, both };

// The words in `lang`: the Chinese, the English, or "中文 English" (one of them when they are equal).
inline std::string say(Lang lang, std::string_view zh, std::string_view en) {
    if (lang == Lang::zh || en.empty() || zh == en) return std::string(zh.empty() ? en : zh);
    if (lang == Lang::en || zh.empty()) return std::string(en);
    return std::string(zh) + " " + std::string(en);
}

// A text written in both languages, said in one of them when it is read.
struct Words {
    std::string zh, en;
};
inline std::string say(Lang lang, const Words& w) { return say(lang, w.zh, w.en); }

// `say` bound to one language, for code that writes many texts in it:
//   const Say T{lang};  T("示范镇", "demonstration towns")
struct Say {
    Lang lang;
    std::string operator()(std::string_view zh, std::string_view en) const { return say(lang, zh, en); }
};

// A unit as `lang` writes it: min is 分钟 in Chinese, 万元 is 10,000 yuan in English; km, m, % stay.
std::string unit_text(Lang lang, const std::string& unit);
// A label with its unit in `lang`: "至县城 (分钟)"; the label alone when there is no unit.
inline std::string with_unit(Lang lang, const std::string& label, const std::string& unit) {
    return unit.empty() ? label : label + " (" + unit_text(lang, unit) + ")";
}


// The HTML lang attribute: zh-CN, en, or zh-CN for both.
inline const char* html_lang(Lang lang) { return lang == Lang::en ? "en" : "zh-CN"; }

// Fixed-point with `decimals` digits; an absent (non-finite) value is a dash.
inline std::string fmt(double v, int decimals = 1) {
    if (!std::isfinite(v)) return "–";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

// The words with `sep` between them.
std::string join(const std::vector<std::string>& words, const std::string& sep = ", ");

// How wide a UTF-8 text sets: `wide` per CJK character (three or four bytes), `narrow` per other
// character. Maps (ems: 1 and about 0.58) and spreadsheet columns (2 and 1) size their text by it.
inline double text_width(const std::string& text, double wide, double narrow) {
    double w = 0;
    for (std::size_t i = 0; i < text.size();) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        const std::size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        w += len >= 3 ? wide : narrow;
        i += len;
    }
    return w;
}

// The closest of `candidates` to `word` (edit distance), or "" when nothing is close.
std::string closest_word(const std::string& word, const std::vector<std::string>& candidates);
// " (did you mean "x"?)" with the closest candidate, or "" when nothing is close.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace townsite
