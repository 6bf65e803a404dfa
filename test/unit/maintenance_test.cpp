#include <boost/test/unit_test.hpp>

#include "core/maintenance.hpp"
#include "core/scoring.hpp"
#include "fixtures.hpp"

using namespace ls::core;
using namespace fixtures;

namespace {

DecayPolicy by_points(const char* points, Micros after = 30 * kDay, Micros every = 7 * kDay) {
    DecayPolicy d;
    d.after = after;
    d.every = every;
    d.points = P(points);
    return d;
}

DecayPolicy by_percent(const char* percent, Micros after = 30 * kDay, Micros every = 7 * kDay) {
    DecayPolicy d;
    d.after = after;
    d.every = every;
    d.percent = P(percent);
    return d;
}

ModelDef model_with(std::optional<DecayPolicy> decay, std::optional<Micros> window = std::nullopt) {
    ModelDef m;
    m.id = 1;
    m.name = "m";
    GroupDef g;
    g.id = 10;
    g.name = "default";
    g.decay = decay;
    g.window = window;
    m.groups.push_back(g);
    return m;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(decay)

BOOST_AUTO_TEST_CASE(steps_due_follow_the_formula) {
    const DecayPolicy d = by_points("5");
    BOOST_TEST(decay_steps_due(d, 0, 30 * kDay - 1) == 0);
    BOOST_TEST(decay_steps_due(d, 0, 30 * kDay) == 1);
    BOOST_TEST(decay_steps_due(d, 0, 37 * kDay - 1) == 1);
    BOOST_TEST(decay_steps_due(d, 0, 37 * kDay) == 2);
    BOOST_TEST(decay_steps_due(d, 10 * kDay, 60 * kDay) == 3);  // floor(20/7) + 1
}

BOOST_AUTO_TEST_CASE(points_stop_at_zero_and_percent_rounds) {
    BOOST_TEST(decayed_balance(by_points("5"), P("12"), 2) == P("2"));
    BOOST_TEST(decayed_balance(by_points("5"), P("12"), 3) == P("0"));
    BOOST_TEST(decayed_balance(by_points("5"), P("12"), INT64_C(1) << 60) == P("0"));  // no overflow
    BOOST_TEST(decayed_balance(by_points("5"), P("-4"), 3) == P("-4"));              // negative untouched
    BOOST_TEST(decayed_balance(by_percent("10"), P("100"), 2) == P("81"));
    BOOST_TEST(decayed_balance(by_percent("50"), P("0.0003"), 1) == P("0.0001"));  // cut toward zero
    BOOST_TEST(decayed_balance(by_percent("10"), P("0.0009"), 1) == P("0.0008"));
    BOOST_TEST(decayed_balance(by_percent("100"), P("7"), 1) == P("0"));
    // A billion steps due end as soon as the balance is 0.
    BOOST_TEST(decayed_balance(by_percent("10"), P("100"), 1000000000) == P("0"));
}

BOOST_AUTO_TEST_CASE(each_step_is_applied_once) {
    const ModelDef m = model_with(by_points("10"));
    ContactState s;
    s.last_activity_at = 0;
    s.group(10).balance = P("50");
    std::vector<LedgerChange> out;
    BOOST_TEST(apply_due(m, s, 29 * kDay, out) == 0u);
    BOOST_TEST(apply_due(m, s, 38 * kDay, out) == 1u);  // steps 1 and 2
    BOOST_TEST(s.group(10).balance == P("30"));
    BOOST_TEST(apply_due(m, s, 38 * kDay, out) == 0u);  // the same time again: nothing
    BOOST_TEST(apply_due(m, s, 37 * kDay, out) == 0u);  // an earlier time: nothing
    BOOST_REQUIRE(out.size() == 1u);
    BOOST_TEST(out[0].delta == P("-20"));
    BOOST_TEST(out[0].steps == 2);
    BOOST_TEST(*out[0].at == 37 * kDay);  // when the last of them fell due
    BOOST_TEST(std::string(kind_name(out[0].kind)) == "decay");
    BOOST_TEST(*next_due(m, s) == 44 * kDay);
}

BOOST_AUTO_TEST_CASE(nothing_due_for_a_balance_that_cannot_decay) {
    const ModelDef m = model_with(by_points("10"));
    ContactState s;
    s.last_activity_at = 0;
    s.group(10).balance = P("-5");
    BOOST_TEST(!next_due(m, s).has_value());
    s.group(10).balance = P("5");
    BOOST_TEST(*next_due(m, s) == 30 * kDay);
    ContactState tiny;
    tiny.last_activity_at = 0;
    tiny.group(10).balance = P("0.0001");
    BOOST_TEST(*next_due(model_with(by_percent("10")), tiny) == 30 * kDay);
    tiny.group(10).balance = P("0");
    BOOST_TEST(!next_due(model_with(by_percent("10")), tiny).has_value());
}

BOOST_AUTO_TEST_CASE(an_event_applies_due_steps_first_then_starts_a_new_count) {
    const ModelDef m = model_with(by_points("10"));
    ContactState s;
    ContactScorer sc(m, s, true);
    const EventRuleDef visit = rule(1, "40");
    sc.on_event(0, 100, 0, {&visit}, {});
    sc.on_event(1, 101, 44 * kDay, {&visit}, {});  // 3 steps due first: 40 - 30 + 40
    BOOST_TEST(s.group(10).balance == P("50"));
    BOOST_TEST(*s.last_activity_at == 44 * kDay);
    BOOST_TEST(s.group(10).decay_steps == 0);
    BOOST_TEST(*next_due(m, s) == 74 * kDay);
    BOOST_REQUIRE(sc.ledger().size() == 3u);
    BOOST_TEST(std::string(kind_name(sc.ledger()[1].kind)) == "decay");
    BOOST_TEST(sc.ledger()[1].delta == P("-30"));
    BOOST_TEST(sc.current().total == P("50"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(window)

BOOST_AUTO_TEST_CASE(awards_expire_after_the_window) {
    const ModelDef m = model_with(std::nullopt, 90 * kDay);
    ContactState s;
    ContactScorer sc(m, s, true);
    const EventRuleDef visit = rule(1, "10");
    sc.on_event(0, 500, 0, {&visit}, {});
    sc.on_event(1, 501, 50 * kDay, {&visit}, {});
    BOOST_TEST(*next_due(m, s) == 90 * kDay);
    BOOST_TEST(sc.on_due(90 * kDay - 1) == 0u);
    BOOST_TEST(sc.on_due(90 * kDay) == 1u);  // as_of - occurred_at = window: no longer counts
    BOOST_TEST(s.group(10).balance == P("10"));
    BOOST_TEST(sc.on_due(90 * kDay) == 0u);
    const LedgerChange& expiry = sc.ledger().back();
    BOOST_TEST(std::string(kind_name(expiry.kind)) == "expiry");
    BOOST_TEST(expiry.delta == P("-10"));
    BOOST_TEST(expiry.event_id == 500);
    BOOST_TEST(expiry.rule_id == 1);
    BOOST_TEST(*next_due(m, s) == 140 * kDay);
    // An event long after expires the rest before awarding.
    sc.on_event(2, 502, 200 * kDay, {&visit}, {});
    BOOST_TEST(s.group(10).balance == P("10"));
    BOOST_TEST(s.window_awards.size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_reset_leaves_nothing_to_expire) {
    const ModelDef m = model_with(std::nullopt, 90 * kDay);
    ContactState s;
    ContactScorer sc(m, s, true);
    const EventRuleDef visit = rule(1, "10");
    sc.on_event(0, 500, 0, {&visit}, {});
    sc.on_reset({10});
    BOOST_TEST(!next_due(m, s).has_value());
    BOOST_TEST(sc.on_due(200 * kDay) == 0u);
    BOOST_TEST(s.group(10).balance == P("0"));
}

BOOST_AUTO_TEST_CASE(a_negative_award_expiring_raises_the_balance) {
    const ModelDef m = model_with(std::nullopt, 10 * kDay);
    ContactState s;
    ContactScorer sc(m, s, true);
    const EventRuleDef good = rule(1, "10"), bad = rule(2, "-4");
    sc.on_event(0, 1, 0, {&good}, {});
    sc.on_event(1, 2, 5 * kDay, {&bad}, {});
    BOOST_TEST(sc.on_due(10 * kDay) == 1u);
    BOOST_TEST(s.group(10).balance == P("-4"));
    BOOST_TEST(sc.on_due(15 * kDay) == 1u);
    BOOST_TEST(s.group(10).balance == P("0"));
}

BOOST_AUTO_TEST_SUITE_END()
