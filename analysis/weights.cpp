#include "analysis/weights.h"

#include "geo/error.h"

#include <algorithm>
#include <cmath>

namespace townsite {

double saaty_random_index(std::size_t n) {
    // Saaty (1980), The Analytic Hierarchy Process, table of average random indices.
    static const double ri[] = {0, 0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59};
    return n < std::size(ri) ? ri[n] : ri[std::size(ri) - 1];
}

AhpResult ahp(const std::vector<std::vector<double>>& a) {
    const std::size_t n = a.size();
    if (n == 0) throw Error("the AHP matrix is empty").with_hint("give one row per indicator.");
    for (std::size_t i = 0; i < n; ++i) {
        if (a[i].size() != n)
            throw Error("the AHP matrix is not square: row " + std::to_string(i + 1) + " has " + std::to_string(a[i].size()) +
                        " values, expected " + std::to_string(n))
                .with_hint("give one value per indicator in every row.");
        for (std::size_t j = 0; j < n; ++j) {
            if (!(a[i][j] > 0) || !std::isfinite(a[i][j]))
                throw Error("the AHP matrix has a value that is not positive at row " + std::to_string(i + 1) + ", column " +
                            std::to_string(j + 1))
                    .with_hint("use Saaty's scale: 1/9 .. 9.");
            if (i == j && std::fabs(a[i][j] - 1) > 1e-9)
                throw Error("the AHP matrix's diagonal must be 1 (row " + std::to_string(i + 1) + ")").with_hint("an indicator equals itself: write 1.");
            if (std::fabs(a[i][j] * a[j][i] - 1) > 1e-6)
                throw Error("the AHP matrix is not reciprocal at rows " + std::to_string(i + 1) + " and " + std::to_string(j + 1) + ": " +
                            std::to_string(a[i][j]) + " and " + std::to_string(a[j][i]))
                    .with_hint("a_ji must be 1 / a_ij.");
        }
    }
    AhpResult r;
    // Principal eigenvector by power iteration (Perron-Frobenius: positive matrix, unique positive
    // eigenvector); normalised to sum 1 at each step.
    std::vector<double> w(n, 1.0 / double(n)), next(n);
    for (int iter = 0; iter < 10000; ++iter) {
        double sum = 0;
        for (std::size_t i = 0; i < n; ++i) {
            next[i] = 0;
            for (std::size_t j = 0; j < n; ++j) next[i] += a[i][j] * w[j];
            sum += next[i];
        }
        double change = 0;
        for (std::size_t i = 0; i < n; ++i) next[i] /= sum, change = std::max(change, std::fabs(next[i] - w[i]));
        w.swap(next);
        if (change < 1e-15) break;
    }
    r.weights = w;
    double lambda = 0;
    for (std::size_t i = 0; i < n; ++i) {
        double aw = 0;
        for (std::size_t j = 0; j < n; ++j) aw += a[i][j] * w[j];
        lambda += aw / w[i];
    }
    r.lambda_max = lambda / double(n);
    r.consistency_index = n > 1 ? (r.lambda_max - double(n)) / double(n - 1) : 0;
    r.random_index = saaty_random_index(n);
    r.consistency_ratio = r.random_index > 0 ? r.consistency_index / r.random_index : 0;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = i + 1; j < n; ++j) {
            const double implied = w[i] / w[j];
            r.most_inconsistent.push_back({i, j, a[i][j], implied, std::fabs(std::log(a[i][j] / implied))});
        }
    std::stable_sort(r.most_inconsistent.begin(), r.most_inconsistent.end(),
                     [](const AhpComparison& x, const AhpComparison& y) { return x.deviation > y.deviation; });
    return r;
}

std::vector<double> entropy_weights(const std::vector<std::vector<double>>& columns) {
    const std::size_t n = columns.size();
    std::vector<double> d(n, 0.0);
    for (std::size_t j = 0; j < n; ++j) {
        const auto& x = columns[j];
        const std::size_t m = x.size();
        if (m < 2) throw Error("the entropy weight method needs at least two alternatives").with_hint("score more than one town.");
        double sum = 0;
        for (double v : x) {
            if (!(v >= 0)) throw Error("the entropy weight method needs non-negative values (normalise the indicators first)");
            sum += v;
        }
        // e_j = -1/ln(m) * sum p ln p, with 0 ln 0 = 0; an indicator with nothing in it says nothing.
        double e = 1;
        if (sum > 0) {
            e = 0;
            for (double v : x)
                if (v > 0) e -= (v / sum) * std::log(v / sum);
            e /= std::log(double(m));
        }
        d[j] = 1 - e;
    }
    double total = 0;
    for (double v : d) total += v;
    std::vector<double> w(n, total > 0 ? 0.0 : 1.0 / double(n));
    if (total > 0)
        for (std::size_t j = 0; j < n; ++j) w[j] = d[j] / total;
    return w;
}

}  // namespace townsite
