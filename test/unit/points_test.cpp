#include <boost/test/unit_test.hpp>

#include "core/points.hpp"

using ls::core::Points;
using ls::core::PointsError;

BOOST_AUTO_TEST_SUITE(points)

BOOST_AUTO_TEST_CASE(parses_and_prints_exact_decimals) {
    BOOST_TEST(Points::parse("12").to_string() == "12");
    BOOST_TEST(Points::parse("-0.5").to_string() == "-0.5");
    BOOST_TEST(Points::parse("3.2500").to_string() == "3.25");
    BOOST_TEST(Points::parse("0.0001").units() == 1);
    BOOST_TEST(Points::parse("+7.10000").to_string() == "7.1");
    BOOST_TEST(Points::parse("0").to_string() == "0");
}

BOOST_AUTO_TEST_CASE(refuses_what_cannot_be_exact) {
    BOOST_CHECK_THROW(Points::parse("NaN"), PointsError);
    BOOST_CHECK_THROW(Points::parse("Infinity"), PointsError);
    BOOST_CHECK_THROW(Points::parse("-Infinity"), PointsError);
    BOOST_CHECK_THROW(Points::parse("0.00001"), PointsError);
    BOOST_CHECK_THROW(Points::parse("1e5"), PointsError);
    BOOST_CHECK_THROW(Points::parse(""), PointsError);
    BOOST_CHECK_THROW(Points::parse("-"), PointsError);
    try {
        Points::parse("99999999999999999999");
        BOOST_FAIL("no overflow");
    } catch (const PointsError& e) {
        BOOST_TEST((e.kind == PointsError::Kind::Overflow));
    }
}

BOOST_AUTO_TEST_CASE(arithmetic_is_exact_and_checked) {
    BOOST_TEST((Points::parse("0.1") + Points::parse("0.2") == Points::parse("0.3")));
    BOOST_TEST((Points::parse("5") - Points::parse("7.5")).to_string() == "-2.5");
    BOOST_CHECK_THROW(Points::from_units(INT64_MAX) + Points::from_units(1), PointsError);
    BOOST_CHECK_THROW(Points::from_units(INT64_MIN) - Points::from_units(1), PointsError);
}

BOOST_AUTO_TEST_CASE(scaling_rounds_half_away_from_zero) {
    BOOST_TEST(Points::parse("7").scaled(9, 10).to_string() == "6.3");
    BOOST_TEST(Points::from_units(5).scaled(1, 2).units() == 3);
    BOOST_TEST(Points::from_units(-5).scaled(1, 2).units() == -3);
    BOOST_TEST(Points::from_units(4).scaled(1, 3).units() == 1);
}

BOOST_AUTO_TEST_SUITE_END()
