// Absence rules in the core: deadlines armed by the first anchor, settled by an
// expected event at or before them, fired once when passed (no threshold), taken
// back by an expected event in time that arrives late, and replayed alike.
#include <boost/test/unit_test.hpp>

#include "core/maintenance.hpp"
#include "core/replay.hpp"
#include "core/scoring.hpp"
#include "fixtures.hpp"

using namespace ls::core;
using fixtures::kDay;
using fixtures::kHour;
using fixtures::P;

namespace {

// "Registered but did not attend: -20", the deadline one day after the anchor.
ModelDef model_with_threshold() {
    ModelDef m;
    m.id = 1;
    m.name = "m";
    GroupDef g;
    g.id = 10;
    g.name = "default";
    m.groups.push_back(g);
    AbsenceRuleDef r;
    r.id = 3;
    r.group_id = 10;
    r.name = "no show";
    r.points = P("-20");
    r.deadline_after = kDay;
    m.absence_rules.push_back(r);
    EventRuleDef reg;
    reg.id = 1;
    reg.group_id = 10;
    reg.points = P("25");
    ThresholdDef t;
    t.id = 1;
    t.name = "MQL";
    t.min_score = P("10");
    m.thresholds.push_back(t);
    return m;
}

AbsenceHit anchor(const ModelDef& m, Micros at, const char* webinar = "w1") {
    return AbsenceHit{&m.absence_rules[0], webinar, true, at, false};
}
AbsenceHit expected(const ModelDef& m, const char* webinar = "w1") {
    return AbsenceHit{&m.absence_rules[0], webinar, false, 0, true};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(absence_rules)

BOOST_AUTO_TEST_CASE(an_unsettled_deadline_fires_once_after_it_passed) {
    const ModelDef m = model_with_threshold();
    ContactState state;
    ContactScorer scorer(m, state, true);
    scorer.on_event(0, 1, 0, {}, {}, {}, {anchor(m, 0)});
    BOOST_TEST((next_due(m, state) == std::optional<Micros>(kDay + 1)));
    BOOST_TEST(scorer.on_due(kDay) == 0u);  // at the deadline itself an expected event is still in time
    BOOST_TEST(scorer.on_due(kDay + 1) == 1u);
    BOOST_TEST(scorer.on_due(10 * kDay) == 0u);  // once
    BOOST_TEST(scorer.current().total == P("-20"));
    BOOST_TEST_REQUIRE(scorer.ledger().size() == 1u);
    BOOST_TEST((scorer.ledger()[0].kind == LedgerKind::Absence));
    BOOST_TEST((scorer.ledger()[0].at == std::optional<Micros>(kDay)));  // dated by the deadline
    BOOST_TEST(!caused_by_event(scorer.ledger()[0]));
    BOOST_TEST(!next_due(m, state).has_value());
}

BOOST_AUTO_TEST_CASE(an_expected_event_in_time_settles_and_a_late_one_does_not) {
    const ModelDef m = model_with_threshold();
    ContactState state;
    ContactScorer scorer(m, state, true);
    scorer.on_event(0, 1, 0, {}, {}, {}, {anchor(m, 0), anchor(m, 0, "w2")});
    scorer.on_event(1, 2, kDay, {}, {}, {}, {expected(m)});  // exactly at the deadline: in time
    scorer.on_event(2, 3, 2 * kDay, {}, {}, {}, {expected(m, "w2")});  // w2's deadline passed first
    BOOST_TEST(scorer.current().total == P("-20"));
    BOOST_TEST(scorer.ledger().size() == 1u);
}

BOOST_AUTO_TEST_CASE(the_first_anchor_arms_and_an_earlier_expected_event_counts) {
    const ModelDef m = model_with_threshold();
    ContactState state;
    ContactScorer scorer(m, state, true);
    scorer.on_event(0, 1, 0, {}, {}, {}, {expected(m)});
    scorer.on_event(1, 2, kHour, {}, {}, {}, {anchor(m, kHour)});
    scorer.on_event(2, 3, 5 * kDay, {}, {}, {}, {anchor(m, 5 * kDay)});  // not the first: arms nothing
    scorer.on_due(30 * kDay);
    BOOST_TEST(scorer.current().total == P("0"));
    BOOST_TEST(state.absences.size() == 1u);
    BOOST_TEST((state.absences[0].deadline == std::optional<Micros>(kHour + kDay)));
}

BOOST_AUTO_TEST_CASE(a_late_expected_event_in_time_takes_the_penalty_back) {
    ModelDef m = model_with_threshold();
    ContactState state;
    ContactScorer scorer(m, state, true);
    scorer.on_event(0, 1, 0, {}, {}, {}, {anchor(m, 0)});
    scorer.on_due(3 * kDay);  // maintenance fired it
    BOOST_TEST(scorer.current().total == P("-20"));
    // The attendance (12 hours after the anchor) arrives now.
    scorer.on_event(1, 2, 12 * kHour, {}, {}, {}, {expected(m)});
    BOOST_TEST(scorer.current().total == P("0"));
    BOOST_TEST_REQUIRE(scorer.ledger().size() == 2u);
    BOOST_TEST(scorer.ledger()[1].delta == P("20"));
    BOOST_TEST(caused_by_event(scorer.ledger()[1]));
    scorer.on_event(2, 3, 13 * kHour, {}, {}, {}, {expected(m)});  // taken back once
    BOOST_TEST(scorer.ledger().size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_penalty_fires_no_threshold_and_re_arms_it) {
    ModelDef m = model_with_threshold();
    EventRuleDef reg;
    reg.id = 1;
    reg.group_id = 10;
    reg.points = P("25");
    ContactState state;
    ContactScorer scorer(m, state, true);
    scorer.on_event(0, 1, 0, {&reg}, {}, {}, {anchor(m, 0)});
    BOOST_TEST(scorer.alerts().size() == 1u);  // 25 crosses 10
    scorer.on_due(2 * kDay);                   // 25 - 20 = 5: below, no alert
    BOOST_TEST(scorer.alerts().size() == 1u);
    scorer.on_event(1, 2, 3 * kDay, {&reg}, {}, {}, {});  // 30: crosses again
    BOOST_TEST(scorer.alerts().size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_deadline_of_a_rule_no_longer_in_use_never_falls_due) {
    const ModelDef m = model_with_threshold();
    ContactState state;
    ContactScorer scorer(m, state, true);
    scorer.on_event(0, 1, 0, {}, {}, {}, {anchor(m, 0)});
    ModelDef without = m;
    without.absence_rules.clear();
    BOOST_TEST(!next_due(without, state).has_value());
    ContactScorer later(without, state, false);
    BOOST_TEST(later.on_due(10 * kDay) == 0u);
}

BOOST_AUTO_TEST_CASE(replay_gives_what_live_scoring_gave) {
    const ModelDef m = model_with_threshold();
    std::vector<ReplayEvent> events(2);
    events[0].event_id = 1;
    events[0].occurred_at = 0;
    events[0].absences = {anchor(m, 0), anchor(m, 0, "w2")};
    events[1].event_id = 2;
    events[1].occurred_at = 20 * kHour;
    events[1].absences = {expected(m)};
    ContactState state;
    ContactScorer scorer(m, state, true);
    replay_history(scorer, events, {}, 5 * kDay);
    BOOST_TEST(scorer.current().total == P("-20"));  // w2 only
    BOOST_TEST_REQUIRE(scorer.ledger().size() == 1u);
    BOOST_TEST((scorer.ledger()[0].at == std::optional<Micros>(kDay)));
}

BOOST_AUTO_TEST_SUITE_END()
