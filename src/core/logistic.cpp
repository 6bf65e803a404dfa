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
    Eigen::VectorXd labels(kBlock);

    // The first pass also finds the indicator columns (options.sparse_indicators):
    // `dense` and `sparse` list the columns of each kind in order.
    std::vector<Eigen::Index> dense, sparse;
    std::vector<size_t> ones(columns, 0);
    std::vector<bool> binary(columns, true);
    bool layout_known = false;

    // One pass over the rows at `beta`: the Hessian's lower triangle, the gradient and
    // the log-likelihood. Returns the number of rows.
    auto accumulate = [&](double& log_likelihood) -> size_t {
        hessian.setZero();
        gradient.setZero();
        log_likelihood = 0;
        size_t n = 0;
        Eigen::Index filled = 0;
        const bool split = layout_known && !sparse.empty();
        const Eigen::Index d = split ? static_cast<Eigen::Index>(dense.size()) : k;
        const Eigen::Index s = static_cast<Eigen::Index>(sparse.size());
        Eigen::MatrixXd block(d, kBlock);
        // split: the dense columns' blocks, and each row's ones among the sparse
        // columns (their slots, `active` from `starts[i]` to `starts[i + 1]`).
        Eigen::MatrixXd h_dd, h_sd, h_ss;
        Eigen::VectorXd g_d, g_s, beta_d, beta_s;
        std::vector<Eigen::Index> active, starts;
        if (split) {
            h_dd = Eigen::MatrixXd::Zero(d, d);
            h_sd = Eigen::MatrixXd::Zero(s, d);
            h_ss = Eigen::MatrixXd::Zero(s, s);
            g_d = Eigen::VectorXd::Zero(d);
            g_s = Eigen::VectorXd::Zero(s);
            beta_d.resize(d);
            beta_s.resize(s);
            for (Eigen::Index i = 0; i < d; ++i) beta_d(i) = beta(dense[static_cast<size_t>(i)]);
            for (Eigen::Index i = 0; i < s; ++i) beta_s(i) = beta(sparse[static_cast<size_t>(i)]);
            starts.push_back(0);
        }
        auto flush = [&] {
            if (filled == 0) return;
            auto xb = block.leftCols(filled);
            Eigen::VectorXd z = xb.transpose() * (split ? beta_d : beta);
            if (split)
                for (Eigen::Index i = 0; i < filled; ++i)
                    for (size_t a = static_cast<size_t>(starts[static_cast<size_t>(i)]);
                         a < static_cast<size_t>(starts[static_cast<size_t>(i) + 1]); ++a)
                        z(i) += beta_s(active[a]);
            Eigen::VectorXd p(filled), w(filled);
            for (Eigen::Index i = 0; i < filled; ++i) {
                p(i) = sigmoid(z(i));
                w(i) = std::sqrt(std::max(p(i) * (1 - p(i)), 1e-12));
                log_likelihood += labels(i) * z(i) - softplus(z(i));
            }
            const Eigen::VectorXd residual = labels.head(filled) - p;
            if (!split) {
                hessian.selfadjointView<Eigen::Lower>().rankUpdate(xb * w.asDiagonal());
                gradient.noalias() += xb * residual;
            } else {
                h_dd.selfadjointView<Eigen::Lower>().rankUpdate(xb * w.asDiagonal());
                g_d.noalias() += xb * residual;
                for (Eigen::Index i = 0; i < filled; ++i) {
                    const double weight = w(i) * w(i);
                    const size_t from = static_cast<size_t>(starts[static_cast<size_t>(i)]);
                    const size_t to = static_cast<size_t>(starts[static_cast<size_t>(i) + 1]);
                    for (size_t a = from; a < to; ++a) {
                        const Eigen::Index r = active[a];
                        h_sd.row(r).noalias() += weight * xb.col(i).transpose();
                        g_s(r) += residual(i);
                        for (size_t b = from; b < to; ++b)
                            if (active[b] <= r) h_ss(r, active[b]) += weight;
                    }
                }
                active.clear();
                starts.assign(1, 0);
            }
            filled = 0;
        };
        rows.rewind();
        while (rows.next(x, y)) {
            if (x.size() != columns) throw FitError("a row has the wrong number of columns");
            const Eigen::Map<const Eigen::VectorXd> xi(x.data(), k);
            if (!std::isfinite(y)) throw FitError("a row has a value that is not finite");
            if (!split) {
                if (!xi.allFinite()) throw FitError("a row has a value that is not finite");
                block.col(filled) = xi;
                if (!layout_known)
                    for (size_t c = 0; c < columns; ++c) {
                        if (x[c] == 1.0) ++ones[c];
                        else if (x[c] != 0.0) binary[c] = false;
                    }
            } else {
                for (Eigen::Index i = 0; i < d; ++i) {
                    const double v = x[static_cast<size_t>(dense[static_cast<size_t>(i)])];
                    if (!std::isfinite(v)) throw FitError("a row has a value that is not finite");
                    block(i, filled) = v;
                }
                for (Eigen::Index i = 0; i < s; ++i) {
                    const double v = x[static_cast<size_t>(sparse[static_cast<size_t>(i)])];
                    if (v == 1.0) active.push_back(i);
                    else if (v != 0.0) throw FitError("the rows changed between two passes");
                }
                starts.push_back(static_cast<Eigen::Index>(active.size()));
            }
            labels(filled) = y;
            if (++filled == kBlock) flush();
            ++n;
        }
        flush();
        if (split) {
            // Back in the columns' order (both lists ascending: lower stays lower).
            for (Eigen::Index i = 0; i < d; ++i) {
                gradient(dense[static_cast<size_t>(i)]) = g_d(i);
                for (Eigen::Index j = 0; j <= i; ++j)
                    hessian(dense[static_cast<size_t>(i)], dense[static_cast<size_t>(j)]) = h_dd(i, j);
            }
            for (Eigen::Index r = 0; r < s; ++r) {
                const Eigen::Index sr = sparse[static_cast<size_t>(r)];
                gradient(sr) = g_s(r);
                for (Eigen::Index j = 0; j < d; ++j) {
                    const Eigen::Index dj = dense[static_cast<size_t>(j)];
                    if (sr > dj) hessian(sr, dj) = h_sd(r, j);
                    else hessian(dj, sr) = h_sd(r, j);
                }
                for (Eigen::Index c = 0; c <= r; ++c) hessian(sr, sparse[static_cast<size_t>(c)]) = h_ss(r, c);
            }
        }
        if (!layout_known) {
            layout_known = true;
            for (size_t c = 0; c < columns; ++c) {
                // (the intercept, and any column of mostly ones, stays dense)
                const bool indicator = options.sparse_indicators && c > 0 && binary[c] && ones[c] * 4 <= n;
                (indicator ? sparse : dense).push_back(static_cast<Eigen::Index>(c));
            }
        }
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
