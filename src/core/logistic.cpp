#include "core/logistic.hpp"

#include <cmath>

#include <Eigen/Dense>

namespace ls::core {

double sigmoid(double z) {
    if (z >= 0) return 1.0 / (1.0 + std::exp(-z));
    const double e = std::exp(z);
    return e / (1.0 + e);
}

namespace {

// log(1 + exp(z)), without overflow.
double softplus(double z) { return z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z)); }

}  // namespace

LogisticFit fit_logistic(RowSource& rows, size_t columns, const LogisticOptions& options) {
    const Eigen::Index k = static_cast<Eigen::Index>(columns);
    Eigen::VectorXd beta = Eigen::VectorXd::Zero(k);
    Eigen::VectorXd penalty = Eigen::VectorXd::Constant(k, options.l2);
    penalty(0) = 0;  // the intercept

    LogisticFit fit;
    std::vector<double> x;
    double y = 0;
    Eigen::MatrixXd hessian(k, k);
    Eigen::VectorXd gradient(k);
    Eigen::LDLT<Eigen::MatrixXd> solver;
    for (int iteration = 1; iteration <= options.max_iterations; ++iteration) {
        hessian.setZero();
        gradient.setZero();
        double log_likelihood = 0;
        size_t n = 0;
        rows.rewind();
        while (rows.next(x, y)) {
            if (x.size() != columns) throw FitError("a row has the wrong number of columns");
            const Eigen::Map<const Eigen::VectorXd> xi(x.data(), k);
            if (!xi.allFinite() || !std::isfinite(y)) throw FitError("a row has a value that is not finite");
            const double z = xi.dot(beta);
            const double p = sigmoid(z);
            const double w = std::max(p * (1 - p), 1e-12);
            // Only the lower triangle: LDLT reads that one.
            hessian.selfadjointView<Eigen::Lower>().rankUpdate(xi, w);
            gradient.noalias() += (y - p) * xi;
            log_likelihood += y * z - softplus(z);
            ++n;
        }
        if (n == 0) throw FitError("there are no rows to fit");
        fit.rows = n;
        fit.log_likelihood = log_likelihood;
        // Newton step on the penalised objective: (H + P) delta = g - P beta.
        hessian.diagonal() += penalty;
        solver.compute(hessian.selfadjointView<Eigen::Lower>());
        if (solver.info() != Eigen::Success) throw FitError("the Hessian could not be factored");
        const Eigen::VectorXd delta = solver.solve(gradient - penalty.cwiseProduct(beta));
        beta += delta;
        fit.iterations = iteration;
        if (delta.cwiseAbs().maxCoeff() < options.tolerance) {
            fit.converged = true;
            break;
        }
    }
    // Standard errors from the penalised Hessian at the final coefficients.
    hessian.setZero();
    rows.rewind();
    double log_likelihood = 0;
    while (rows.next(x, y)) {
        const Eigen::Map<const Eigen::VectorXd> xi(x.data(), k);
        const double z = xi.dot(beta);
        const double p = sigmoid(z);
        hessian.selfadjointView<Eigen::Lower>().rankUpdate(xi, std::max(p * (1 - p), 1e-12));
        log_likelihood += y * z - softplus(z);
    }
    fit.log_likelihood = log_likelihood;
    hessian.diagonal() += penalty;
    const Eigen::MatrixXd full = hessian.selfadjointView<Eigen::Lower>();
    const Eigen::MatrixXd inverse = full.ldlt().solve(Eigen::MatrixXd::Identity(k, k));
    fit.coefficients.assign(beta.data(), beta.data() + k);
    fit.std_errors.resize(columns);
    for (Eigen::Index i = 0; i < k; ++i) fit.std_errors[static_cast<size_t>(i)] = std::sqrt(std::max(inverse(i, i), 0.0));
    return fit;
}

}  // namespace ls::core
