#include "geo/text.h"

#include <algorithm>

namespace townsite {

std::string join(const std::vector<std::string>& words, const std::string& sep) {
    std::string out;
    for (std::size_t i = 0; i < words.size(); ++i) out += (i ? sep : "") + words[i];
    return out;
}

std::string closest_word(const std::string& word, const std::vector<std::string>& candidates) {
    // Levenshtein distance; a candidate within a third of the word's length is "close".
    auto distance = [](const std::string& a, const std::string& b) {
        std::vector<size_t> row(b.size() + 1);
        for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
        for (size_t i = 1; i <= a.size(); ++i) {
            size_t diag = row[0];
            row[0] = i;
            for (size_t j = 1; j <= b.size(); ++j) {
                const size_t up = row[j];
                row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
                diag = up;
            }
        }
        return row[b.size()];
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
