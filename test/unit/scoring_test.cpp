#include <boost/test/unit_test.hpp>

#include "core/scoring.hpp"

using namespace ls::core;

namespace {
Points P(const char* s) { return Points::parse(s); }

GroupDef group(int32_t id, const char* name, std::optional<Points> cap, bool counts) {
    GroupDef g;
    g.id = id;
    g.name = name;
    g.max_points = cap;
    g.counts_toward_total = counts;
    return g;
}

ModelDef model_with(std::optional<Points> cap = std::nullopt) {
    ModelDef m;
    m.id = 1;
    m.name = "m";
    m.groups.push_back(group(10, "default", std::nullopt, true));
    m.groups.push_back(group(11, "capped", cap, true));
    m.groups.push_back(group(12, "side", std::nullopt, false));
    return m;
}

EventRuleDef rule(int64_t id, int32_t group, const char* points) {
    EventRuleDef r;
    r.id = id;
    r.model_id = 1;
    r.group_id = group;
    r.name = "r" + std::to_string(id);
    r.points = P(points);
    return r;
}
constexpr Micros kHour = INT64_C(3600000000);
}  // namespace

BOOST_AUTO_TEST_SUITE(rule_selection)

BOOST_AUTO_TEST_CASE(more_keys_then_condition_then_lowest_id) {
    EventRuleDef plain = rule(1, 10, "5"), keyed = rule(2, 10, "4"), cond = rule(3, 10, "3");
    keyed.match_keys = 1;
    cond.has_condition = true;
    BOOST_TEST(more_specific(keyed, plain));
    BOOST_TEST(more_specific(keyed, cond));
    BOOST_TEST(more_specific(cond, plain));
    BOOST_TEST(!more_specific(plain, cond));
    EventRuleDef twin = rule(4, 10, "1");
    BOOST_TEST(more_specific(plain, twin));
    BOOST_TEST(!more_specific(twin, plain));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(limits_and_caps)

BOOST_AUTO_TEST_CASE(max_awards_stops_after_n) {
    ModelDef m = model_with();
    ContactState s;
    EventRuleDef r = rule(1, 10, "5");
    r.max_awards = 2;
    BOOST_TEST(apply_rule(m, s, r, 0).has_value());
    BOOST_TEST(apply_rule(m, s, r, 1).has_value());
    BOOST_TEST(!apply_rule(m, s, r, 2).has_value());
    BOOST_TEST(s.group(10).balance.to_string() == "10");
}

BOOST_AUTO_TEST_CASE(cooldown_counts_from_last_award) {
    ModelDef m = model_with();
    ContactState s;
    EventRuleDef r = rule(1, 10, "1");
    r.cooldown = kHour;
    BOOST_TEST(apply_rule(m, s, r, 0).has_value());
    BOOST_TEST(!apply_rule(m, s, r, kHour - 1).has_value());
    BOOST_TEST(apply_rule(m, s, r, kHour).has_value());  // exactly the cooldown later
    BOOST_TEST(!apply_rule(m, s, r, kHour + 10).has_value());
    BOOST_TEST(s.find_limit(1)->awards == 2);
}

BOOST_AUTO_TEST_CASE(cap_cuts_positive_awards_but_counts_them) {
    ModelDef m = model_with(P("10"));
    ContactState s;
    s.group(11).fit = P("3");
    EventRuleDef r = rule(1, 11, "5");
    r.max_awards = 3;
    BOOST_TEST(apply_rule(m, s, r, 0)->to_string() == "5");
    BOOST_TEST(apply_rule(m, s, r, 1)->to_string() == "2");  // cut to the cap
    BOOST_TEST(apply_rule(m, s, r, 2)->to_string() == "0");  // cut to 0, still an award
    BOOST_TEST(!apply_rule(m, s, r, 3).has_value());         // max_awards reached
    BOOST_TEST(s.group(11).balance.to_string() == "7");
}

BOOST_AUTO_TEST_CASE(negative_awards_are_never_cut) {
    ModelDef m = model_with(P("10"));
    ContactState s;
    s.group(11).fit = P("30");  // fit alone is past the cap
    BOOST_TEST(apply_rule(m, s, rule(1, 11, "-4"), 0)->to_string() == "-4");
    BOOST_TEST(apply_rule(m, s, rule(2, 11, "4"), 0)->to_string() == "0");
    BOOST_TEST(s.group(11).balance.to_string() == "-4");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(totals)

BOOST_AUTO_TEST_CASE(total_sums_counted_groups_then_clamps) {
    ModelDef m = model_with(P("10"));
    ContactState s;
    s.group(10).balance = P("7");
    s.group(11).fit = P("8");
    s.group(11).balance = P("6");  // 14, capped to 10
    s.group(12).balance = P("100"); // not counted
    Snapshot snap = snapshot(m, s);
    BOOST_TEST(snap.total.to_string() == "17");
    BOOST_TEST(snap.fit_score.to_string() == "8");
    BOOST_TEST(snap.behavior_score.to_string() == "13");
    BOOST_TEST(snap.groups[2].to_string() == "100");
    m.max_score = P("15");
    BOOST_TEST(snapshot(m, s).total.to_string() == "15");
    m.max_score.reset();
    m.min_score = P("20");
    BOOST_TEST(snapshot(m, s).total.to_string() == "20");
}

BOOST_AUTO_TEST_CASE(fit_replaces_previous_fit) {
    ModelDef m = model_with();
    ContactState s;
    apply_fit(s, FitResult{{FitMatch{1, 10, P("5")}, FitMatch{2, 11, P("3")}}, true});
    BOOST_TEST(snapshot(m, s).total.to_string() == "8");
    apply_fit(s, FitResult{{FitMatch{2, 11, P("3")}}, false});
    BOOST_TEST(snapshot(m, s).total.to_string() == "3");
    BOOST_TEST(!s.qualified);
    BOOST_TEST(s.fit.size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(thresholds)

BOOST_AUTO_TEST_CASE(crossing_fires_once_and_rearms_below) {
    ModelDef m = model_with();
    m.thresholds.push_back(ThresholdDef{7, "MQL", std::nullopt, P("10"), false});
    ContactState s;
    ContactScorer scorer(m, s, true);
    EventRuleDef up = rule(1, 10, "6"), down = rule(2, 10, "-5");
    scorer.on_event(0, 0, 0, {&up}, {});    // 6
    scorer.on_event(1, 0, 1, {&up}, {});    // 12: crossing
    scorer.on_event(2, 0, 2, {&up}, {});    // 18: still above, no alert
    scorer.on_event(3, 0, 3, {&down}, {});  // 13
    scorer.on_event(4, 0, 4, {&down}, {});  // 8: re-armed
    scorer.on_event(5, 0, 5, {&up}, {});    // 14: crossing again
    BOOST_REQUIRE(scorer.alerts().size() == 2u);
    BOOST_TEST(*scorer.alerts()[0].event_index == 1u);
    BOOST_TEST(scorer.alerts()[0].score.to_string() == "12");
    BOOST_TEST(*scorer.alerts()[1].event_index == 5u);
    BOOST_TEST(scorer.ledger().size() == 6u);
}

BOOST_AUTO_TEST_CASE(event_threshold_fires_on_each_matching_event_at_or_above) {
    ModelDef m = model_with();
    m.thresholds.push_back(ThresholdDef{8, "pricing", std::nullopt, P("10"), true});
    ContactState s;
    ContactScorer scorer(m, s, false);
    EventRuleDef visit = rule(1, 10, "5");
    const ThresholdDef* t = &m.thresholds[0];
    scorer.on_event(0, 0, 0, {&visit}, {t});  // 5: below
    scorer.on_event(1, 0, 1, {&visit}, {t});  // 10: fires, with this event's points
    scorer.on_event(2, 0, 2, {&visit}, {t});  // 15: fires again
    scorer.on_event(3, 0, 3, {&visit}, {});   // not a matching event
    BOOST_REQUIRE(scorer.alerts().size() == 2u);
    BOOST_TEST(scorer.alerts()[0].score.to_string() == "10");
}

BOOST_AUTO_TEST_CASE(group_threshold_reads_the_capped_group_score) {
    ModelDef m = model_with(P("10"));
    m.thresholds.push_back(ThresholdDef{9, "capped full", 11, P("10"), false});
    ContactState s;
    ContactScorer scorer(m, s, false);
    EventRuleDef r = rule(1, 11, "25");
    scorer.on_event(0, 0, 0, {&r}, {});
    BOOST_REQUIRE(scorer.alerts().size() == 1u);
    BOOST_TEST(scorer.alerts()[0].score.to_string() == "10");
    BOOST_TEST(scorer.ledger()[0].delta.to_string() == "10");
}

BOOST_AUTO_TEST_CASE(new_contact_is_judged_from_zero_even_when_clamped) {
    ModelDef m = model_with();
    m.min_score = P("5");
    m.thresholds.push_back(ThresholdDef{1, "floor", std::nullopt, P("5"), false});
    ContactState s;
    ContactScorer fresh(m, s, true);
    fresh.on_fit(FitResult{});
    BOOST_TEST(fresh.alerts().size() == 1u);
    ContactScorer known(m, s, false);
    known.on_fit(FitResult{});
    BOOST_TEST(known.alerts().empty());
}

BOOST_AUTO_TEST_CASE(sauna_worked_example) {
    ModelDef m = model_with();
    m.thresholds.push_back(ThresholdDef{1, "pricing", std::nullopt, P("70"), true});
    ContactState s;
    ContactScorer sc(m, s, true);
    sc.on_fit(FitResult{{FitMatch{1, 10, P("5")}}, true});
    EventRuleDef visit = rule(1, 10, "5"), download = rule(2, 10, "10"), open = rule(3, 10, "2"),
                 click = rule(4, 10, "2"), nurture = rule(5, 10, "4"), webinar = rule(6, 10, "20"),
                 signed_ = rule(7, 10, "30");
    size_t i = 0;
    sc.on_event(i++, 0, 0, {&visit}, {});
    sc.on_event(i++, 0, 0, {&visit}, {});
    sc.on_event(i++, 0, 0, {&download}, {});
    BOOST_TEST(sc.current().total.to_string() == "25");
    for (int k = 0; k < 4; ++k) {
        sc.on_event(i++, 0, 0, {&open}, {});
        sc.on_event(i++, 0, 0, {&click}, {});
        sc.on_event(i++, 0, 0, {&nurture}, {});
    }
    BOOST_TEST(sc.current().total.to_string() == "57");
    sc.on_event(i++, 0, 0, {&webinar}, {});
    BOOST_TEST(sc.current().total.to_string() == "77");
    sc.on_event(i++, 0, 0, {&visit}, {&m.thresholds[0]});
    BOOST_TEST(sc.current().total.to_string() == "82");
    BOOST_REQUIRE(sc.alerts().size() == 1u);
    BOOST_TEST(sc.alerts()[0].score.to_string() == "82");
    sc.on_event(i++, 0, 0, {&signed_}, {});
    BOOST_TEST(sc.current().total.to_string() == "112");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(operator_changes)

BOOST_AUTO_TEST_CASE(adjustment_is_cut_by_the_cap_like_an_award) {
    ModelDef m = model_with(P("10"));
    ContactState s;
    BOOST_TEST(apply_adjustment(m, s, 11, P("7")).to_string() == "7");
    BOOST_TEST(apply_adjustment(m, s, 11, P("7")).to_string() == "3");
    BOOST_TEST(apply_adjustment(m, s, 11, P("-4")).to_string() == "-4");  // never cut
    BOOST_TEST(s.group(11).balance.to_string() == "6");
}

BOOST_AUTO_TEST_CASE(reset_zeroes_the_balance_and_keeps_the_fit) {
    ModelDef m = model_with();
    ContactState s;
    s.group(10).fit = P("5");
    s.group(10).balance = P("-2.5");
    BOOST_TEST(apply_reset(s, 10).to_string() == "2.5");
    BOOST_TEST(s.group(10).balance.to_string() == "0");
    BOOST_TEST(snapshot(m, s).total.to_string() == "5");
}

BOOST_AUTO_TEST_CASE(adjustment_crosses_thresholds_and_reset_rearms_them) {
    ModelDef m = model_with();
    m.thresholds.push_back(ThresholdDef{7, "MQL", std::nullopt, P("50"), false});
    ContactState s;
    ContactScorer scorer(m, s, false);
    scorer.on_adjustment(10, P("60"));
    scorer.on_reset({10, 11, 12});
    scorer.on_adjustment(10, P("50"));
    BOOST_TEST(scorer.alerts().size() == 2u);
    BOOST_TEST(scorer.ledger().size() == 5u);  // one adjustment, a reset row per group, one adjustment
    BOOST_TEST(scorer.ledger()[1].delta.to_string() == "-60");
    BOOST_TEST(scorer.ledger()[2].delta.to_string() == "0");
    BOOST_TEST(scorer.current().total.to_string() == "50");
}

BOOST_AUTO_TEST_CASE(balance_overflow_is_refused) {
    ModelDef m = model_with();
    ContactState s;
    const Points huge = Points::from_units(Points::kMaxUnits);
    BOOST_CHECK_THROW(for (int i = 0; i < 100; ++i) apply_adjustment(m, s, 10, huge), PointsError);
}

BOOST_AUTO_TEST_SUITE_END()
