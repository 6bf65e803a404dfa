// The contact state's serialiser: what goes in comes out, and bytes it did not
// write (cut short, trailing, another version) are refused, never half-read.
#include <boost/test/unit_test.hpp>

#include <random>

#include "core/state_codec.hpp"
#include "fixtures.hpp"

using namespace ls::core;
using fixtures::P;

namespace {

ModelDef capped_model() {
    ModelDef m;
    m.id = 1;
    GroupDef a;
    a.id = 10;
    a.max_points = P("25");
    GroupDef b;
    b.id = 11;
    m.groups = {a, b};
    return m;
}

ContactState random_state(std::mt19937_64& rng) {
    std::uniform_int_distribution<int64_t> any(INT64_MIN, INT64_MAX);
    std::uniform_int_distribution<int64_t> units(-Points::kMaxUnits, Points::kMaxUnits);
    std::uniform_int_distribution<int> count(0, 6);
    std::uniform_int_distribution<int32_t> id(INT32_MIN, INT32_MAX);
    ContactState s;
    for (int i = count(rng); i > 0; --i)
        s.groups.push_back(GroupBalance{id(rng), Points::from_units(units(rng)), Points::from_units(units(rng)), any(rng)});
    for (int i = count(rng); i > 0; --i) s.fit.push_back(FitMatch{any(rng), id(rng), Points::from_units(units(rng))});
    for (int i = count(rng); i > 0; --i) s.limits.push_back(RuleLimit{any(rng), id(rng), any(rng)});
    for (int i = count(rng); i > 0; --i)
        s.window_awards.push_back(WindowAward{id(rng), any(rng), Points::from_units(units(rng)), any(rng), any(rng)});
    if (count(rng) % 2) {  // every other state has a predictive part (format 2)
        PredictiveState p;
        p.fit_id = any(rng);
        for (int i = count(rng); i > 0; --i) p.counts.push_back(any(rng));
        p.attribute_logit = std::uniform_real_distribution<double>(-50, 50)(rng);
        s.predictive = p;
    }
    return s;
}

DecodedState round_trip(const ModelDef& m, const ContactState& s) {
    const std::string bytes = encode_state(m, s);
    return decode_state(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(state_codec)

BOOST_AUTO_TEST_CASE(random_states_round_trip) {
    std::mt19937_64 rng(20261204);
    const ModelDef m = capped_model();
    for (int i = 0; i < 2000; ++i) {
        ContactState s = random_state(rng);
        const DecodedState d = round_trip(m, s);
        BOOST_TEST(d.state.window_awards.empty());  // they live in their own table
        s.window_awards.clear();
        BOOST_TEST(same_state(s, d.state));
        BOOST_TEST(d.group_scores.size() == s.groups.size());
    }
}

BOOST_AUTO_TEST_CASE(a_predictive_part_is_format_2_and_the_rest_stays_format_1) {
    const ModelDef m = capped_model();
    ContactState s;
    BOOST_TEST(encode_state(m, s)[0] == char(kStateFormat));
    s.predictive = PredictiveState{7, {3, 0, 12}, -0.25};
    const std::string bytes = encode_state(m, s);
    BOOST_TEST(bytes[0] == char(kStateFormatPredictive));
    const DecodedState d = decode_state(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    BOOST_TEST_REQUIRE(d.state.predictive.has_value());
    BOOST_TEST(d.state.predictive->counts == std::vector<int64_t>({3, 0, 12}), boost::test_tools::per_element());
    BOOST_TEST(d.state.predictive->attribute_logit == -0.25);
    BOOST_TEST(state_to_json(d).find("\"predictive\": {\"fit_id\": 7, \"counts\": [3, 0, 12], \"attribute_logit\": -0.25}") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_empty_state_is_the_version_and_three_zero_counts) {
    const std::string bytes = encode_state(capped_model(), ContactState{});
    BOOST_TEST(bytes == std::string("\x01\x00\x00\x00", 4));
}

BOOST_AUTO_TEST_CASE(group_scores_are_stored_capped_by_the_model) {
    ContactState s;
    s.groups.push_back(GroupBalance{10, P("20"), P("15"), 0});  // capped at 25
    s.groups.push_back(GroupBalance{11, P("1"), P("2.5"), 0});  // no cap
    s.groups.push_back(GroupBalance{99, P("7"), P("1"), 0});    // not in the model: uncapped
    const DecodedState d = round_trip(capped_model(), s);
    BOOST_TEST(d.group_scores.at(0) == P("25"));
    BOOST_TEST(d.group_scores.at(1) == P("3.5"));
    BOOST_TEST(d.group_scores.at(2) == P("8"));
}

BOOST_AUTO_TEST_CASE(bytes_not_written_by_the_encoder_are_refused) {
    std::mt19937_64 rng(7);
    ContactState s = random_state(rng);
    s.limits.push_back(RuleLimit{1, 2, 3});
    const std::string bytes = encode_state(capped_model(), s);
    const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
    for (size_t cut = 0; cut < bytes.size(); ++cut) BOOST_CHECK_THROW(decode_state(p, cut), StateFormatError);
    std::string longer = bytes + '\x00';
    BOOST_CHECK_THROW(decode_state(reinterpret_cast<const uint8_t*>(longer.data()), longer.size()), StateFormatError);
    std::string other = bytes;
    other[0] = 2;
    BOOST_CHECK_THROW(decode_state(reinterpret_cast<const uint8_t*>(other.data()), other.size()), StateFormatError);
    const std::string huge_count("\x01\xfe\xff\xff\xff\x0f", 6);
    BOOST_CHECK_THROW(decode_state(reinterpret_cast<const uint8_t*>(huge_count.data()), huge_count.size()),
                      StateFormatError);
}

BOOST_AUTO_TEST_CASE(json_shows_points_as_decimals_and_times_in_utc) {
    ContactState s;
    s.groups.push_back(GroupBalance{10, P("20"), P("15"), 2});
    s.limits.push_back(RuleLimit{7, 3, fixtures::kDay + 1500000});  // 2000-01-02 00:00:01.5
    s.limits.push_back(RuleLimit{8, 1, -fixtures::kDay});  // 1999-12-31
    const std::string json = state_to_json(round_trip(capped_model(), s));
    BOOST_TEST(json ==
               "{\"format\": 1, \"groups\": [{\"group_id\": 10, \"score\": 25, \"fit\": 20, \"balance\": 15, "
               "\"decay_steps\": 2}], \"fit\": [], \"limits\": [{\"rule_id\": 7, \"awards\": 3, \"last_award_at\": "
               "\"2000-01-02T00:00:01.500000Z\"}, {\"rule_id\": 8, \"awards\": 1, \"last_award_at\": "
               "\"1999-12-31T00:00:00.000000Z\"}]}");
}

BOOST_AUTO_TEST_SUITE_END()
