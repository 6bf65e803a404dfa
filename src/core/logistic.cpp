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
    // Rows are taken a block at a time: X'WX grows by one symmetric rank-B update
    // per block (a matrix product Eigen vectorises) instead of one rank-1 update per
    // row, several times faster at a hundred columns.
    constexpr Eigen::Index kBlock = 256;
    Eigen::MatrixXd block(k, kBlock);
    Eigen::VectorXd labels(kBlock);
    // One pass over the rows at `beta`: the Hessian's lower triangle, the gradient and
    // the log-likelihood. Returns the number of rows.
    auto accumulate = [&](double& log_likelihood) -> size_t {
        hessian.setZero();
        gradient.setZero();
        log_likelihood = 0;
        size_t n = 0;
        Eigen::Index filled = 0;
        auto flush = [&] {
            if (filled == 0) return;
            auto xb = block.leftCols(filled);
            const Eigen::VectorXd z = xb.transpose() * beta;
            Eigen::VectorXd p(filled), w(filled);
            for (Eigen::Index i = 0; i < filled; ++i) {
                p(i) = sigmoid(z(i));
                w(i) = std::sqrt(std::max(p(i) * (1 - p(i)), 1e-12));
                log_likelihood += labels(i) * z(i) - softplus(z(i));
            }
            hessian.selfadjointView<Eigen::Lower>().rankUpdate(xb * w.asDiagonal());
            gradient.noalias() += xb * (labels.head(filled) - p);
            filled = 0;
        };
        rows.rewind();
        while (rows.next(x, y)) {
            if (x.size() != columns) throw FitError("a row has the wrong number of columns");
            const Eigen::Map<const Eigen::VectorXd> xi(x.data(), k);
            if (!xi.allFinite() || !std::isfinite(y)) throw FitError("a row has a value that is not finite");
            block.col(filled) = xi;
            labels(filled) = y;
            if (++filled == kBlock) flush();
            ++n;
        }
        flush();
        return n;
    };
    for (int iteration = 1; iteration <= options.max_iterations; ++iteration) {
        double log_likelihood = 0;
        const size_t n = accumulate(log_likelihood);
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
    // Standard errors from the penalised Hessian at the final coefficients. Once
    // converged, the last iteration's (at coefficients that moved by less than the
    // tolerance since) is that Hessian to within it, as MADlib reports it: one
    // pass over the rows fewer.
    if (!fit.converged) {
        double log_likelihood = 0;
        accumulate(log_likelihood);
        fit.log_likelihood = log_likelihood;
        hessian.diagonal() += penalty;
    }
    const Eigen::MatrixXd full = hessian.selfadjointView<Eigen::Lower>();
    const Eigen::MatrixXd inverse = full.ldlt().solve(Eigen::MatrixXd::Identity(k, k));
    fit.coefficients.assign(beta.data(), beta.data() + k);
    fit.std_errors.resize(columns);
    for (Eigen::Index i = 0; i < k; ++i) fit.std_errors[static_cast<size_t>(i)] = std::sqrt(std::max(inverse(i, i), 0.0));
    return fit;
}

}  // namespace ls::core
