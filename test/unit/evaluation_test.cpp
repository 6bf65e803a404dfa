#include <boost/test/unit_test.hpp>

#include "core/evaluation.hpp"

using namespace ls::core;

namespace {
std::vector<Points> points(std::initializer_list<const char*> values) {
    std::vector<Points> out;
    for (const char* v : values) out.push_back(Points::parse(v));
    return out;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(evaluation)

BOOST_AUTO_TEST_CASE(perfect_and_reversed_rankings) {
    BOOST_TEST(*auc(points({"50", "60"}), points({"10", "20", "30"})) == 1.0);
    BOOST_TEST(*auc(points({"1", "2"}), points({"10", "20"})) == 0.0);
}

BOOST_AUTO_TEST_CASE(ties_count_one_half) {
    // every pair tied
    BOOST_TEST(*auc(points({"5", "5"}), points({"5"})) == 0.5);
    // converted 10, 30 against others 10, 20: pairs (10,10)=.5 (10,20)=0 (30,10)=1 (30,20)=1 -> 2.5/4
    BOOST_TEST(*auc(points({"30", "10"}), points({"20", "10"})) == 0.625);
    // converted 20 against 10, 20, 20, 30: 1 + .5 + .5 + 0 = 2 of 4
    BOOST_TEST(*auc(points({"20"}), points({"30", "20", "10", "20"})) == 0.5);
}

BOOST_AUTO_TEST_CASE(brute_force_agrees) {
    std::vector<Points> conv, other;
    for (int i = 0; i < 60; ++i) {
        const Points p = Points::from_units(((i * 37) % 11) * 10000 - 30000);
        (i % 3 == 0 ? conv : other).push_back(p);
    }
    double wins = 0;
    for (Points c : conv)
        for (Points o : other) wins += o < c ? 1.0 : (o == c ? 0.5 : 0.0);
    BOOST_TEST(*auc(conv, other) == wins / (conv.size() * other.size()), boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(no_auc_without_both_sides) {
    BOOST_TEST(!auc({}, points({"1"})).has_value());
    BOOST_TEST(!auc(points({"1"}), {}).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
