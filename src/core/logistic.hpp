// L2-regularised logistic regression by Newton's method (IRLS), for predictive
// scoring (SPEC "Predictive scoring"). The rows are streamed: each iteration reads
// them once from a RowSource and accumulates X'WX and X'(y - p), so memory depends
// on the number of columns, not of rows. Linear algebra is Eigen's (only this
// file's implementation sees it).
//
// Objective: sum of the rows' log losses + l2 / 2 * |beta without the intercept|^2
// (scikit-learn's LogisticRegression with C = 1 / l2 minimises the same). Column 0
// is the intercept (every row's x[0] is 1), never penalised. With l2 > 0 the
// optimum exists also when the classes are separable.
#pragma once
#include <cstddef>
#include <exception>
#include <vector>

namespace ls::core {

// The training rows, read start to end once per iteration.
class RowSource {
public:
    virtual ~RowSource() = default;
    virtual void rewind() = 0;
    // The next row's features (x[0] == 1) and label (0 or 1); false at the end.
    virtual bool next(std::vector<double>& x, double& y) = 0;
};

struct LogisticOptions {
    double l2 = 1.0;
    int max_iterations = 100;
    double tolerance = 1e-10;  // on the largest change of a coefficient
    // Columns that hold only 0 and 1, and 1 in at most a quarter of the rows (a
    // category's levels, flags), are accumulated from each row's ones after the
    // first pass instead of as dense columns: X'WX then costs per row the square of
    // the dense columns only. false: every column dense (the tests compare both).
    bool sparse_indicators = true;
};

struct LogisticFit {
    std::vector<double> coefficients;
    // sqrt of the diagonal of the inverse of the (penalised) Hessian at the optimum,
    // as MADlib reports for its (unpenalised) fit.
    std::vector<double> std_errors;
    int iterations = 0;
    bool converged = false;
    double log_likelihood = 0;
    size_t rows = 0;
};

// Thrown when the rows cannot be fitted (no rows, a non-finite value).
struct FitError : std::exception {
    explicit FitError(const char* what) : what_(what) {}
    const char* what() const noexcept override { return what_; }
    const char* what_;
};

LogisticFit fit_logistic(RowSource& rows, size_t columns, const LogisticOptions& options);

// 1 / (1 + exp(-z)), without overflow.
double sigmoid(double z);

}  // namespace ls::core
