// Indicator weights for scoring: AHP from a pairwise comparison matrix (Saaty), and the entropy
// weight method (熵权法) from the data. The building blocks of the scoring step (issue 5).
//
//   AhpResult r = ahp({{1, 3, 5}, {1.0 / 3, 1, 3}, {1.0 / 5, 1.0 / 3, 1}});
//   r.weights;          // principal eigenvector, summing to 1: about 0.637, 0.258, 0.105
//   r.consistency_ratio // CI / RI with Saaty's random indices; above 0.10 is usually refused
//   std::vector<double> w = entropy_weights(columns);   // columns: non-negative, larger = more
#pragma once

#include <string>
#include <vector>

namespace townsite {

struct AhpComparison {
    std::size_t i = 0, j = 0;   // a_ij compares criterion i with j
    double given = 0;           // the judgement in the matrix
    double implied = 0;         // w_i / w_j: what the weights say it would be if consistent
    double deviation = 0;       // |ln(given / implied)|
};

struct AhpResult {
    std::vector<double> weights;
    double lambda_max = 0;
    double consistency_index = 0;   // (lambda_max - n) / (n - 1)
    double random_index = 0;        // Saaty's RI for n
    double consistency_ratio = 0;   // CI / RI (0 for n <= 2)
    std::vector<AhpComparison> most_inconsistent;  // the judgements farthest from the weights, worst first
};

// Saaty's random consistency index for n criteria (n = 1 .. 15).
double saaty_random_index(std::size_t n);

// Throws Error when the matrix is not square, not positive, has a diagonal other than 1, or is not
// reciprocal (a_ji = 1 / a_ij within 1e-6 relative).
AhpResult ahp(const std::vector<std::vector<double>>& matrix);

// Entropy weights of n indicators from their values over m alternatives (columns[j][i]: indicator
// j of alternative i, non-negative). An indicator equal everywhere gets weight 0. Throws Error on
// negative values or fewer than two alternatives.
std::vector<double> entropy_weights(const std::vector<std::vector<double>>& columns);

}  // namespace townsite
