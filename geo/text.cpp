#include "geo/text.h"

#include <algorithm>

namespace townsite {



std::string unit_text(Lang lang, const std::string& unit) {
    // Chinese, English: the units the column registry and the reports use.
    static const std::vector<std::pair<std::string, Words>> units = {{"min", {"分钟", "min"}},       {"persons", {"人", "persons"}},
                                                                     {"persons/万元", {"人/万元", "persons per 10,000 yuan"}},
                                                                     {"places", {"位", "places"}},    {"points", {"分", "points"}},   {"ha", {"公顷", "ha"}},
                                                                     {"万元", {"万元", "10,000 yuan"}}, {"亿元", {"亿元", "100 million yuan"}}};
    for (const auto& [key, words] : units)
        if (key == unit) return lang == Lang::zh ? words.zh : lang == Lang::en ? words.en : unit;
    return unit;
}



std::string join(const std::vector<std::string>& words, const std::string& sep) {
    std::string out;
    for (std::size_t i = 0; i < words.size(); ++i) out += (i ? sep : "") + words[i];
    return out;
}

std::string closest_word(const std::string& word, const std::vector<std::string>& candidates) {
    // Edit distance with a swap of two neighbouring letters as one edit (optimal string alignment:
    // "GPGK" is one edit from GPKG, two from GPX); a candidate within a third of the word's length is "close".
    auto distance = [](const std::string& a, const std::string& b) {
        std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
        for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
        for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
        for (size_t i = 1; i <= a.size(); ++i)
            for (size_t j = 1; j <= b.size(); ++j) {
                d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
            }
        return d[a.size()][b.size()];
    };
    std::string best;
    size_t best_d = std::max<size_t>(2, word.size() / 3) + 1;
    for (const auto& c : candidates) {
        const size_t d = distance(word, c);
        if (d < best_d) best_d = d, best = c;
    }
    return best;
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
    const std::string near = closest_word(word, candidates);
    if (near.empty()) return "";
    std::string out = " (did you mean \"";
    out += near;
    out += "\"?)";
    return out;
}

}  // namespace townsite
