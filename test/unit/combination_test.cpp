// Combination rules in the core: the seed's webinar table (SPEC "Combination
// rules"), order independence, correlation, caps, thresholds and replay.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <array>

#include "core/replay.hpp"
#include "core/scoring.hpp"
#include "fixtures.hpp"

using namespace ls::core;
using fixtures::kHour;
using fixtures::P;

namespace {

enum Fact : FactSet { Attended = 1, Asked = 2, Downloaded = 4 };

// The seed: attended 10, attended + asked 20, attended + downloaded 20, all three 35.
CombinationRuleDef webinar_rule() {
    CombinationRuleDef r;
    r.id = 7;
    r.group_id = 10;
    r.name = "webinar reactions";
    r.facts = {"attended", "asked", "downloaded"};
    r.tiers = {{Attended, P("10")},
               {Attended | Asked, P("20")},
               {Attended | Downloaded, P("20")},
               {Attended | Asked | Downloaded, P("35")}};
    return r;
}

ModelDef model_with(std::optional<Points> cap = std::nullopt) {
    ModelDef m;
    m.id = 1;
    m.name = "m";
    GroupDef g;
    g.id = 10;
    g.name = "default";
    g.max_points = cap;
    m.groups.push_back(g);
    m.combination_rules.push_back(webinar_rule());
    return m;
}

// Scores one event per fact, in the given order, for one webinar; returns the total.
Points score_in_order(const ModelDef& m, const std::vector<FactSet>& facts, std::vector<LedgerChange>* ledger = nullptr) {
    ContactState state;
    ContactScorer scorer(m, state, true);
    for (size_t i = 0; i < facts.size(); ++i)
        scorer.on_event(i, static_cast<int64_t>(i + 1), static_cast<Micros>(i) * kHour, {}, {},
                        {CombinationHit{&m.combination_rules[0], "w1", facts[i]}});
    if (ledger) *ledger = scorer.ledger();
    return scorer.current().total;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(combination_rules)

BOOST_AUTO_TEST_CASE(value_is_the_greatest_tier_whose_facts_all_happened) {
    const CombinationRuleDef r = webinar_rule();
    BOOST_TEST(r.value(0) == P("0"));
    BOOST_TEST(r.value(Asked) == P("0"));  // asked without attending: no tier
    BOOST_TEST(r.value(Attended) == P("10"));
    BOOST_TEST(r.value(Attended | Asked) == P("20"));
    BOOST_TEST(r.value(Attended | Downloaded) == P("20"));
    BOOST_TEST(r.value(Attended | Asked | Downloaded) == P("35"));
    BOOST_TEST(r.bit_of("downloaded") == FactSet{Downloaded});
    BOOST_TEST(r.bit_of("nope") == FactSet{0});
}

BOOST_AUTO_TEST_CASE(the_seed_table_comes_out_in_every_order) {
    const ModelDef m = model_with();
    std::array<FactSet, 3> facts{Attended, Asked, Downloaded};
    std::sort(facts.begin(), facts.end());
    int orders = 0;
    do {
        std::vector<LedgerChange> ledger;
        BOOST_TEST(score_in_order(m, {facts.begin(), facts.end()}, &ledger) == P("35"));
        Points sum;
        for (const auto& c : ledger) {
            BOOST_TEST((c.kind == LedgerKind::Combination));
            BOOST_TEST(c.rule_id == 7);
            BOOST_TEST(c.delta > P("0"));  // only rises are recorded
            sum += c.delta;
        }
        BOOST_TEST(sum == P("35"));
        ++orders;
    } while (std::next_permutation(facts.begin(), facts.end()));
    BOOST_TEST(orders == 6);
    BOOST_TEST(score_in_order(m, {Attended, Asked}) == P("20"));
    BOOST_TEST(score_in_order(m, {Asked, Attended}) == P("20"));
    BOOST_TEST(score_in_order(m, {Downloaded}) == P("0"));
    BOOST_TEST(score_in_order(m, {Attended, Attended, Attended}) == P("10"));  // a repeated fact adds nothing
}

BOOST_AUTO_TEST_CASE(top_ups_are_the_differences_of_values) {
    const ModelDef m = model_with();
    std::vector<LedgerChange> ledger;
    score_in_order(m, {Attended, Asked, Downloaded}, &ledger);
    BOOST_TEST_REQUIRE(ledger.size() == 3u);
    BOOST_TEST(ledger[0].delta == P("10"));
    BOOST_TEST(ledger[1].delta == P("10"));
    BOOST_TEST(ledger[2].delta == P("15"));
    BOOST_TEST(ledger[2].event_index == 2u);
}

BOOST_AUTO_TEST_CASE(correlation_values_keep_separate_sets) {
    const ModelDef m = model_with();
    const CombinationRuleDef* r = &m.combination_rules[0];
    ContactState state;
    ContactScorer scorer(m, state, true);
    scorer.on_event(0, 1, 0, {}, {}, {CombinationHit{r, "w1", Attended}});
    scorer.on_event(1, 2, kHour, {}, {}, {CombinationHit{r, "w2", Asked}});  // another webinar
    BOOST_TEST(scorer.current().total == P("10"));
    scorer.on_event(2, 3, 2 * kHour, {}, {}, {CombinationHit{r, "w2", Attended}});
    BOOST_TEST(scorer.current().total == P("30"));
    BOOST_TEST_REQUIRE(state.combinations.size() == 2u);
    BOOST_TEST(state.combinations[0].correlation == "w1");  // kept sorted by (rule, correlation)
    BOOST_TEST(state.combinations[1].value == P("20"));
}

BOOST_AUTO_TEST_CASE(a_cap_cuts_the_award_but_not_the_value) {
    const ModelDef m = model_with(P("25"));
    std::vector<LedgerChange> ledger;
    BOOST_TEST(score_in_order(m, {Attended, Asked, Downloaded}, &ledger) == P("25"));
    BOOST_TEST(ledger[2].delta == P("5"));  // cut from 15
}

BOOST_AUTO_TEST_CASE(a_top_up_crosses_thresholds) {
    ModelDef m = model_with();
    ThresholdDef t;
    t.id = 1;
    t.name = "MQL";
    t.min_score = P("30");
    m.thresholds.push_back(t);
    ContactState state;
    ContactScorer scorer(m, state, true);
    const CombinationRuleDef* r = &m.combination_rules[0];
    scorer.on_event(0, 1, 0, {}, {}, {CombinationHit{r, "w", Attended | Asked}});
    BOOST_TEST(scorer.alerts().empty());
    scorer.on_event(1, 2, kHour, {}, {}, {CombinationHit{r, "w", Downloaded}});
    BOOST_TEST_REQUIRE(scorer.alerts().size() == 1u);
    BOOST_TEST(scorer.alerts()[0].score == P("35"));
}

BOOST_AUTO_TEST_CASE(replay_gives_what_live_scoring_gave) {
    const ModelDef m = model_with();
    const CombinationRuleDef* r = &m.combination_rules[0];
    std::vector<ReplayEvent> events(3);
    const FactSet facts[3] = {Downloaded, Attended, Asked};
    for (size_t i = 0; i < 3; ++i) {
        events[i].event_id = static_cast<int64_t>(i + 1);
        events[i].occurred_at = static_cast<Micros>(i) * kHour;
        events[i].combinations = {CombinationHit{r, "w", facts[i]}};
    }
    ContactState state;
    ContactScorer scorer(m, state, true);
    replay_history(scorer, events, {}, 10 * kHour);
    BOOST_TEST(scorer.current().total == P("35"));
    BOOST_TEST(score_in_order(m, {Downloaded, Attended, Asked}) == P("35"));
}

BOOST_AUTO_TEST_SUITE_END()
