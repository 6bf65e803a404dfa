// Predictive scoring's feature encoding: log1p, standardisation on the training
// rows, categories with rare levels grouped and missing as its own level, flags,
// the raw-row codec, and an encoder rebuilt from its terms encoding alike.
#include <boost/test/unit_test.hpp>

#include "core/contact_state.hpp"
#include "core/logistic.hpp"
#include "core/model.hpp"
#include "core/predictive.hpp"

using namespace ls::core;

namespace {

std::vector<FeatureDef> features() {
    return {FeatureDef{"visits", FeatureKind::EventCount, true, 30},
            FeatureDef{"industry", FeatureKind::AttributeCategory, false, 2},
            FeatureDef{"business", FeatureKind::AttributeFlag, false, 30}};
}

RawRow row(double visits, std::optional<std::string> industry, double business) {
    RawRow r(3);
    r[0].number = visits;
    r[1].category = std::move(industry);
    r[2].number = business;
    return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(predictive_features)

BOOST_AUTO_TEST_CASE(terms_levels_and_standardisation) {
    FeatureEncoder enc(features());
    const std::vector<RawRow> rows = {row(0, "saas", 1), row(3, "saas", 0), row(7, "retail", 1),
                                      row(1, "retail", 0), row(2, "mining", 1), row(0, std::nullopt, 0)};
    for (const auto& r : rows) enc.observe(r);
    enc.finish();
    std::vector<std::string> names;
    for (const auto& t : enc.terms()) names.push_back(t.name);
    // mining (seen once, min_count 2) goes to "other"; the missing industry is its own level.
    const std::vector<std::string> want = {"(intercept)", "visits", "industry=retail", "industry=saas",
                                           "industry=other", "industry=missing", "business"};
    BOOST_TEST(names == want, boost::test_tools::per_element());
    // visits are log1p'd and standardised: their encoded column has mean 0 and sd 1.
    double sum = 0, sq = 0;
    std::vector<double> x;
    for (const auto& r : rows) {
        enc.encode(r, x);
        BOOST_TEST(x[0] == 1.0);
        sum += x[1];
        sq += x[1] * x[1];
    }
    BOOST_TEST(std::abs(sum) < 1e-12);
    BOOST_TEST(std::abs(sq / rows.size() - 1.0) < 1e-12);
    enc.encode(row(2, "mining", 1), x);
    BOOST_TEST(x[2] == 0.0);
    BOOST_TEST(x[4] == 1.0);  // other
    BOOST_TEST(x[6] == 1.0);  // the flag, not standardised
    enc.encode(row(std::nan(""), "unseen", 0), x);
    BOOST_TEST(x[1] == 0.0);  // a missing number is the mean
    BOOST_TEST(x[4] == 1.0);  // a level not seen in training is "other"
}

BOOST_AUTO_TEST_CASE(an_encoder_rebuilt_from_its_terms_encodes_alike) {
    FeatureEncoder enc(features());
    for (const auto& r : {row(0, "saas", 1), row(3, "saas", 0), row(7, std::nullopt, 1), row(1, "x", 0)}) enc.observe(r);
    enc.finish();
    const FeatureEncoder again(features(), enc.terms());
    std::vector<double> a, b;
    for (const auto& r : {row(5, "saas", 1), row(0, std::nullopt, 0), row(2, "zzz", 1)}) {
        enc.encode(r, a);
        again.encode(r, b);
        BOOST_TEST(a == b, boost::test_tools::per_element());
    }
}

BOOST_AUTO_TEST_CASE(a_value_named_like_a_group_is_its_own_level) {
    std::vector<FeatureDef> defs = {FeatureDef{"industry", FeatureKind::AttributeCategory, false, 1}};
    FeatureEncoder enc(defs);
    RawRow other(1), missing(1);
    other[0].category = "other";
    enc.observe(other);
    enc.observe(missing);
    enc.finish();
    const FeatureEncoder again(defs, enc.terms());
    std::vector<double> a, b;
    again.encode(other, a);
    enc.encode(other, b);
    BOOST_TEST(a == b, boost::test_tools::per_element());
    BOOST_TEST(a[1] == 1.0);  // industry=other, the value
    BOOST_TEST(a[2] == 0.0);  // not the missing group
}

BOOST_AUTO_TEST_CASE(raw_rows_round_trip) {
    const RawRow r = row(4.5, std::string("a\0b", 3), 1);
    const RawRow back = decode_raw_row(encode_raw_row(r), 3);
    BOOST_TEST(back[0].number == 4.5);
    BOOST_TEST((back[1].category == std::string("a\0b", 3)));
    BOOST_TEST(!back[2].category.has_value());
    BOOST_CHECK_THROW(decode_raw_row("abc", 3), std::runtime_error);
    // Every kind of number keeps its value and bits: zero, whole (small, past one
    // varint byte, past 2^56), fractions, negatives, -0.0, missing.
    const std::vector<double> numbers = {0.0, 1.0, 127.0, 128.0, 300.0, 72057594037927936.0, 1e300, 0.25, -3.0,
                                         -0.0, std::nan("")};
    RawRow many;
    for (double x : numbers) many.push_back(RawValue{x, std::nullopt});
    many.push_back(RawValue{std::nan(""), std::string(200, 'x')});  // a category past one varint byte
    const std::string bytes = encode_raw_row(many);
    BOOST_TEST(encode_raw_row(row(0.0, std::nullopt, 1)).size() < 12u);  // compact: not 12 bytes a value
    const RawRow again = decode_raw_row(bytes, many.size());
    for (size_t i = 0; i < numbers.size(); ++i) {
        if (std::isnan(numbers[i])) {
            BOOST_TEST(std::isnan(again[i].number));
        } else {
            BOOST_TEST(again[i].number == numbers[i]);
            BOOST_TEST(std::signbit(again[i].number) == std::signbit(numbers[i]));
        }
        BOOST_TEST(!again[i].category.has_value());
    }
    BOOST_TEST((again.back().category == std::string(200, 'x')));
    BOOST_CHECK_THROW(decode_raw_row(bytes + "x", many.size()), std::runtime_error);      // bytes left over
    BOOST_CHECK_THROW(decode_raw_row(bytes.substr(0, bytes.size() - 1), many.size()), std::runtime_error);
    BOOST_CHECK_THROW(decode_raw_row(std::string(1, '\x09'), 1), std::runtime_error);    // no such tag
}

BOOST_AUTO_TEST_CASE(live_counts_give_the_probability_of_the_whole_row) {
    FeatureEncoder enc(features());
    for (const auto& r : {row(0, "saas", 1), row(3, "saas", 0), row(7, std::nullopt, 1), row(1, "saas", 0)}) enc.observe(r);
    enc.finish();
    PredictiveFitDef fit;
    fit.fit_id = 3;
    fit.encoder = std::make_shared<FeatureEncoder>(enc);
    fit.coefficients = {-0.5, 0.8, 0.3, -0.2, 1.1};
    BOOST_TEST_REQUIRE(fit.coefficients.size() == enc.terms().size());
    auto whole = [&](const RawRow& r) {
        std::vector<double> x;
        enc.encode(r, x);
        double z = 0;
        for (size_t i = 0; i < x.size(); ++i) z += x[i] * fit.coefficients[i];
        return sigmoid(z);
    };
    // Counted live: two visits, then two more, with the attributes of the row.
    PredictiveState live = predictive_state(fit, row(2, "saas", 1));
    BOOST_TEST(std::abs(*conversion_probability(fit, live) - whole(row(2, "saas", 1))) < 1e-12);
    count_events(live, {0, 0});
    BOOST_TEST(live.counts[0] == 4);
    BOOST_TEST(std::abs(*conversion_probability(fit, live) - whole(row(4, "saas", 1))) < 1e-12);
    live.fit_id = 2;  // counted for another fit: no probability
    BOOST_TEST(!conversion_probability(fit, live).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
