// The logistic regression of predictive scoring: it matches a reference fit
// (scikit-learn 1.2's LogisticRegression, C = 1 / l2, tol 1e-12) to 1e-6, recovers
// known coefficients from generated data, and converges on separable data.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <random>

#include "core/logistic.hpp"

using namespace ls::core;

namespace {

class VectorRows : public RowSource {
public:
    std::vector<std::vector<double>> x;
    std::vector<double> y;
    void rewind() override { at_ = 0; }
    bool next(std::vector<double>& row, double& label) override {
        if (at_ == x.size()) return false;
        row = x[at_];
        label = y[at_];
        ++at_;
        return true;
    }

private:
    size_t at_ = 0;
};

// 40 rows of two features and their labels, from test/unit/reference/logistic_reference.py (seed 7).
VectorRows reference_rows() {
    const double xs[40][2] = {
        {1.691, -0.466}, {0.033, 0.408},  {-0.789, 0.002}, {-0.001, -1.755}, {1.018, 0.6},    {-0.625, -0.172},
        {0.505, -0.261}, {-0.243, -1.453}, {0.555, 0.124},  {0.274, -1.527},  {1.651, 0.154},  {-0.387, 2.029},
        {-0.045, -1.451}, {-0.405, -2.288}, {1.049, -0.416}, {-0.743, 1.072},  {-1.651, 0.535}, {-2.064, -0.662},
        {-1.204, 1.462}, {1.766, -0.329}, {0.841, -0.18},  {0.568, -0.753},  {-1.708, -1.803}, {0.383, 2.248},
        {0.269, -0.525}, {1.912, 0.237},  {0.101, 0.253},  {-0.132, -0.309}, {-1.435, 0.502}, {-0.095, 1.193},
        {-0.369, -1.906}, {-0.1, 1.7},     {-0.383, -0.89}, {-1.194, -1.05},  {-0.3, -1.18},   {1.498, -0.283},
        {0.109, 1.438},  {1.503, -0.213}, {0.332, 0.735},  {-0.193, -1.778}};
    const int ys[40] = {1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 0, 0, 0, 1,
                        1, 1, 0, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 1, 0, 1, 1, 1};
    VectorRows rows;
    for (int i = 0; i < 40; ++i) {
        rows.x.push_back({1.0, xs[i][0], xs[i][1]});
        rows.y.push_back(ys[i]);
    }
    return rows;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(logistic_regression)

BOOST_AUTO_TEST_CASE(matches_the_reference_fit) {
    VectorRows rows = reference_rows();
    const LogisticFit strong = fit_logistic(rows, 3, LogisticOptions{1.0, 100, 1e-12});
    BOOST_TEST(strong.converged);
    BOOST_TEST(std::abs(strong.coefficients[0] - 1.236316699881096) < 1e-6);
    BOOST_TEST(std::abs(strong.coefficients[1] - 1.500591288207187) < 1e-6);
    BOOST_TEST(std::abs(strong.coefficients[2] - -0.7035097494312853) < 1e-6);
    const LogisticFit weak = fit_logistic(rows, 3, LogisticOptions{0.1, 100, 1e-12});
    BOOST_TEST(std::abs(weak.coefficients[0] - 1.467812064029979) < 1e-6);
    BOOST_TEST(std::abs(weak.coefficients[1] - 2.0812708706858185) < 1e-6);
    BOOST_TEST(std::abs(weak.coefficients[2] - -0.8858473426550638) < 1e-6);
    BOOST_TEST(strong.iterations < 20);
    for (double se : strong.std_errors) BOOST_TEST((se > 0 && se < 2));
}

BOOST_AUTO_TEST_CASE(recovers_known_coefficients_from_generated_data) {
    std::mt19937_64 gen(42);
    std::normal_distribution<double> normal(0, 1);
    std::uniform_real_distribution<double> uniform(0, 1);
    const double truth[4] = {-1.0, 2.0, -0.5, 0.0};
    VectorRows rows;
    for (int i = 0; i < 20000; ++i) {
        std::vector<double> x{1.0, normal(gen), normal(gen), normal(gen)};
        double z = 0;
        for (int j = 0; j < 4; ++j) z += truth[j] * x[j];
        rows.y.push_back(uniform(gen) < sigmoid(z) ? 1.0 : 0.0);
        rows.x.push_back(std::move(x));
    }
    const LogisticFit fit = fit_logistic(rows, 4, LogisticOptions{1.0, 100, 1e-10});
    BOOST_TEST(fit.converged);
    BOOST_TEST(fit.rows == 20000u);
    for (int j = 0; j < 4; ++j) {
        // Within 4 standard errors of the truth (a tiny bias from l2 = 1 on 20,000 rows).
        BOOST_TEST(std::abs(fit.coefficients[j] - truth[j]) < 4 * fit.std_errors[j]);
        BOOST_TEST(fit.std_errors[j] < 0.05);
    }
}

// Indicator columns (a category's levels, flags, a level nobody holds, a flag of
// mostly ones) accumulated from each row's ones give the fit of every column dense.
BOOST_AUTO_TEST_CASE(indicator_columns_fit_as_dense_ones) {
    std::mt19937_64 gen(11);
    std::normal_distribution<double> normal(0, 1);
    std::uniform_real_distribution<double> uniform(0, 1);
    std::uniform_int_distribution<int> level(0, 5);
    VectorRows rows;
    // columns: intercept, 2 dense, 6 levels (one of the first five held; the sixth
    // never), a flag (30%), a flag of mostly ones (90%, stays dense), a dense column
    // that is sometimes 1
    for (int i = 0; i < 3000; ++i) {
        std::vector<double> x(12, 0.0);
        x[0] = 1.0;
        x[1] = normal(gen);
        x[2] = normal(gen);
        x[3 + std::min(level(gen), 4)] = 1.0;
        x[9] = uniform(gen) < 0.3 ? 1.0 : 0.0;
        x[10] = uniform(gen) < 0.9 ? 1.0 : 0.0;
        x[11] = uniform(gen) < 0.5 ? 1.0 : normal(gen);
        const double z = -0.5 + 0.8 * x[1] - 0.3 * x[2] + 0.7 * x[3] - 0.6 * x[5] + 0.9 * x[9] + 0.2 * x[11];
        rows.y.push_back(uniform(gen) < sigmoid(z) ? 1.0 : 0.0);
        rows.x.push_back(std::move(x));
    }
    const LogisticFit sparse = fit_logistic(rows, 12, LogisticOptions{1.0, 100, 1e-10, true});
    const LogisticFit dense = fit_logistic(rows, 12, LogisticOptions{1.0, 100, 1e-10, false});
    BOOST_TEST(sparse.converged);
    BOOST_TEST(sparse.iterations == dense.iterations);
    BOOST_TEST(std::abs(sparse.log_likelihood - dense.log_likelihood) < 1e-8);
    for (size_t j = 0; j < 12; ++j) {
        BOOST_TEST(std::abs(sparse.coefficients[j] - dense.coefficients[j]) < 1e-10);
        BOOST_TEST(std::abs(sparse.std_errors[j] - dense.std_errors[j]) < 1e-10);
    }
    BOOST_TEST(dense.coefficients[8] == 0.0);  // the level nobody holds: only its penalty
}

BOOST_AUTO_TEST_CASE(converges_on_separable_data) {
    VectorRows rows;
    for (int i = 0; i < 50; ++i) {
        rows.x.push_back({1.0, i < 25 ? -1.0 - i * 0.1 : 1.0 + i * 0.1});
        rows.y.push_back(i < 25 ? 0.0 : 1.0);
    }
    const LogisticFit fit = fit_logistic(rows, 2, LogisticOptions{1.0, 100, 1e-10});
    BOOST_TEST(fit.converged);
    BOOST_TEST(fit.coefficients[1] > 1.0);
    BOOST_TEST(std::isfinite(fit.coefficients[1]));
}

BOOST_AUTO_TEST_CASE(refuses_what_it_cannot_fit) {
    VectorRows empty;
    BOOST_CHECK_THROW(fit_logistic(empty, 2, LogisticOptions{}), FitError);
    VectorRows bad;
    bad.x.push_back({1.0, std::nan("")});
    bad.y.push_back(1);
    BOOST_CHECK_THROW(fit_logistic(bad, 2, LogisticOptions{}), FitError);
}

BOOST_AUTO_TEST_CASE(sigmoid_does_not_overflow) {
    BOOST_TEST(sigmoid(0) == 0.5);
    BOOST_TEST(sigmoid(1000) == 1.0);
    BOOST_TEST(sigmoid(-1000) == 0.0);
}

BOOST_AUTO_TEST_SUITE_END()
