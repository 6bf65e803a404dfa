#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "core/ledger_diff.hpp"

using namespace ls::core;

namespace {
std::vector<size_t> sorted(std::vector<size_t> v) {
    std::sort(v.begin(), v.end());
    return v;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(ledger_diff)

BOOST_AUTO_TEST_CASE(identical_rows_are_kept) {
    const LedgerDiff d = diff_rows({"a", "b", "c"}, {"c", "a", "b"});
    BOOST_TEST(d.delete_old.empty());
    BOOST_TEST(d.insert_new.empty());
}

BOOST_AUTO_TEST_CASE(changed_rows_are_replaced) {
    // old b became b2, old d is gone, new e is added
    const LedgerDiff d = diff_rows({"a", "b", "c", "d"}, {"a", "b2", "c", "e"});
    BOOST_TEST(sorted(d.delete_old) == (std::vector<size_t>{1, 3}), boost::test_tools::per_element());
    BOOST_TEST(sorted(d.insert_new) == (std::vector<size_t>{1, 3}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(repeated_keys_match_one_to_one) {
    // two equal old rows, three equal new ones: one more to insert
    LedgerDiff d = diff_rows({"m", "m"}, {"m", "m", "m"});
    BOOST_TEST(d.delete_old.empty());
    BOOST_TEST(d.insert_new.size() == 1u);
    // and the other way round: one to delete
    d = diff_rows({"m", "m", "m"}, {"m"});
    BOOST_TEST(d.delete_old.size() == 2u);
    BOOST_TEST(d.insert_new.empty());
}

BOOST_AUTO_TEST_CASE(empty_sides) {
    BOOST_TEST(diff_rows({}, {"a"}).insert_new.size() == 1u);
    BOOST_TEST(diff_rows({"a"}, {}).delete_old.size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
