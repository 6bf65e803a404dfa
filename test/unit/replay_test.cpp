#include <boost/test/unit_test.hpp>

#include "core/replay.hpp"
#include "fixtures.hpp"

using namespace ls::core;
using namespace fixtures;

namespace {

// One group "default" (id 10), capped at `cap`, decaying 10 points a week after 30 days.
ModelDef model(std::optional<Points> cap = std::nullopt, bool decay = false) {
    ModelDef m;
    m.id = 1;
    m.name = "m";
    GroupDef g;
    g.id = 10;
    g.name = "default";
    g.max_points = cap;
    if (decay) {
        DecayPolicy d;
        d.after = 30 * kDay;
        d.every = 7 * kDay;
        d.points = P("10");
        g.decay = d;
    }
    m.groups.push_back(g);
    return m;
}


ReplayEvent event(int64_t id, Micros at, const EventRuleDef* r) { return ReplayEvent{id, at, {r}, {}, {}}; }

ReplayEntry adjustment(Micros at, const char* delta) { return ReplayEntry{LedgerKind::Manual, at, 10, P(delta)}; }
ReplayEntry reset(Micros at) { return ReplayEntry{LedgerKind::Reset, at, 10, Points{}}; }
}  // namespace

BOOST_AUTO_TEST_SUITE(replay)

BOOST_AUTO_TEST_CASE(order_is_by_time_then_events_then_event_id) {
    const EventRuleDef r = rule(1, "5");
    std::vector<ReplayEvent> events = {event(9, 2 * kDay, &r), event(7, 2 * kDay, &r), event(8, 1 * kDay, &r)};
    std::vector<ReplayEntry> entries = {adjustment(2 * kDay, "1"), adjustment(1 * kDay, "2")};
    const auto steps = history_order(events, entries);
    BOOST_REQUIRE(steps.size() == 5);
    // day 1: event 8, then the entry; day 2: events 7, 9, then the entry
    BOOST_TEST((steps[0].is_event && steps[0].index == 2));
    BOOST_TEST((!steps[1].is_event && steps[1].index == 1));
    BOOST_TEST((steps[2].is_event && steps[2].index == 1));
    BOOST_TEST((steps[3].is_event && steps[3].index == 0));
    BOOST_TEST((!steps[4].is_event && steps[4].index == 0));
}

BOOST_AUTO_TEST_CASE(replay_equals_live_scoring_in_time_order) {
    // Live: events and an adjustment one after the other, decaying between them.
    const ModelDef m = model(P("100"), true);
    const EventRuleDef visit = rule(1, "40");
    ContactState live_state;
    ContactScorer live(m, live_state, true);
    live.on_event(0, 1, 0, {&visit}, {});
    live.on_event(1, 2, 1 * kDay, {&visit}, {});
    live.on_due(50 * kDay);  // the worker: 3 steps (days 31, 38, 45)
    live.on_due(60 * kDay);  // 2 more (days 52, 59)
    live.on_adjustment(10, P("30"));  // made on day 60 (adjust applies what is due first)
    live.on_event(2, 3, 61 * kDay, {&visit}, {});
    live.on_due(70 * kDay);

    ContactState rebuilt;
    ContactScorer replayed(m, rebuilt, true);
    replay_history(replayed,
                   {event(1, 0, &visit), event(2, 1 * kDay, &visit), event(3, 61 * kDay, &visit)},
                   {adjustment(60 * kDay, "30")}, 70 * kDay);
    BOOST_TEST(replayed.current().total == live.current().total);
    BOOST_TEST(rebuilt.groups.at(0).balance == live_state.groups.at(0).balance);
    BOOST_TEST(rebuilt.groups.at(0).decay_steps == live_state.groups.at(0).decay_steps);
    // 80 - 50 decayed = 30, +30 = 60, +40 = 100 (the cap), nothing due by day 70
    BOOST_TEST(replayed.current().total == P("100"));
}

BOOST_AUTO_TEST_CASE(a_reset_zeroes_the_balance_it_meets) {
    const ModelDef m = model();
    const EventRuleDef visit = rule(1, "40"), big = rule(2, "70");
    ContactState state;
    ContactScorer scorer(m, state, true);
    replay_history(scorer, {event(1, 1 * kDay, &big), event(2, 3 * kDay, &visit)}, {reset(2 * kDay)}, 4 * kDay);
    BOOST_TEST(scorer.current().total == P("40"));
    // the reset's ledger change takes back what the rules gave by then: 70
    bool found = false;
    for (const auto& c : scorer.ledger())
        if (c.kind == LedgerKind::Reset) {
            found = true;
            BOOST_TEST(c.delta == P("-70"));
            BOOST_TEST(c.event_index == 0u);
        }
    BOOST_TEST(found);
}

BOOST_AUTO_TEST_CASE(stopping_before_an_event_gives_the_score_just_before_it) {
    const ModelDef m = model(std::nullopt, true);
    const EventRuleDef visit = rule(1, "40"), signup = rule(2, "100");
    ContactState state;
    ContactScorer scorer(m, state, true);
    // visit on day 0; the conversion on day 40 (two steps due by then: days 30, 37)
    replay_history(scorer, {event(1, 0, &visit), event(2, 40 * kDay, &signup)}, {}, 90 * kDay, 1);
    BOOST_TEST(scorer.current().total == P("20"));
}

BOOST_AUTO_TEST_CASE(history_after_until_is_left_out) {
    const ModelDef m = model();
    const EventRuleDef visit = rule(1, "40");
    ContactState state;
    ContactScorer scorer(m, state, true);
    replay_history(scorer, {event(1, 1 * kDay, &visit), event(2, 5 * kDay, &visit)}, {adjustment(6 * kDay, "3")},
                   5 * kDay);
    BOOST_TEST(scorer.current().total == P("80"));
}

BOOST_AUTO_TEST_CASE(the_same_history_gives_the_same_state) {
    const ModelDef m = model(P("100"), true);
    const EventRuleDef visit = rule(1, "40");
    auto rebuild = [&](const char* adjusted) {
        ContactState state;
        ContactScorer scorer(m, state, true);
        replay_history(scorer, {event(1, 0, &visit), event(2, 1 * kDay, &visit)}, {adjustment(60 * kDay, adjusted)},
                       70 * kDay);
        return state;
    };
    BOOST_TEST(same_state(rebuild("30"), rebuild("30")));
    BOOST_TEST(!same_state(rebuild("30"), rebuild("31")));
    ContactState a = rebuild("30"), b = rebuild("30");
    b.limits.push_back(RuleLimit{1, 1, 0});
    BOOST_TEST(!same_state(a, b));
}

// A capped group whose fit changes mid-history: an award is cut by the cap as the
// fit stood when it was made, so replaying with the fit of each moment gives what
// live scoring gave, and replaying with the last fit throughout does not.
BOOST_AUTO_TEST_CASE(attribute_changes_apply_at_their_time) {
    const ModelDef m = model(P("50"));
    const EventRuleDef visit = rule(1, "30");
    auto fit_of = [](const char* points) {
        FitResult f;
        f.matches.push_back(FitMatch{7, 10, P(points)});
        return f;
    };
    // Live: fit 40 at the start, a visit on day 1 (cut to 10), the fit drops to 0 on
    // day 2, a visit on day 3 (30 more): balance 40, score 40.
    ContactState live_state;
    ContactScorer live(m, live_state, true);
    live.on_fit(fit_of("40"));
    live.on_event(0, 1, 1 * kDay, {&visit}, {});
    live.on_fit(FitResult{});
    live.on_event(1, 2, 3 * kDay, {&visit}, {});
    BOOST_TEST(live.current().total == P("40"));

    const std::vector<ReplayEvent> events = {event(1, 1 * kDay, &visit), event(2, 3 * kDay, &visit)};
    ContactState replayed_state;
    ContactScorer replayed(m, replayed_state, true);
    replayed.on_fit(fit_of("40"));
    replay_history(replayed, events, {}, 4 * kDay, std::nullopt, {ReplayFit{2 * kDay, FitResult{}}});
    BOOST_TEST(same_state(live_state, replayed_state));
    BOOST_TEST(replayed.current().total == P("40"));

    // With today's attributes (no fit) throughout, the first visit is not cut: 60, capped 50.
    ContactState flat_state;
    ContactScorer flat(m, flat_state, true);
    flat.on_fit(FitResult{});
    replay_history(flat, events, {}, 4 * kDay);
    BOOST_TEST(flat.current().total == P("50"));
    BOOST_TEST(!same_state(live_state, flat_state));
}

BOOST_AUTO_TEST_CASE(a_change_at_the_same_instant_as_an_event_applies_first) {
    const ModelDef m = model(P("50"));
    const EventRuleDef visit = rule(1, "30");
    FitResult high;
    high.matches.push_back(FitMatch{7, 10, P("40")});
    ContactState state;
    ContactScorer scorer(m, state, true);
    scorer.on_fit(FitResult{});
    replay_history(scorer, {event(1, 2 * kDay, &visit)}, {}, 3 * kDay, std::nullopt, {ReplayFit{2 * kDay, high}});
    BOOST_TEST(scorer.current().total == P("50"));  // 40 fit + the visit cut to 10
    // Stopping just before that event: the change of that instant is in.
    ContactState before_state;
    ContactScorer before(m, before_state, true);
    before.on_fit(FitResult{});
    replay_history(before, {event(1, 2 * kDay, &visit)}, {}, 3 * kDay, 0, {ReplayFit{2 * kDay, high}});
    BOOST_TEST(before.current().total == P("40"));
    // A change after `until` is left out.
    ContactState later_state;
    ContactScorer later(m, later_state, true);
    later.on_fit(FitResult{});
    replay_history(later, {}, {}, 1 * kDay, std::nullopt, {ReplayFit{2 * kDay, high}});
    BOOST_TEST(later.current().total == P("0"));
}

BOOST_AUTO_TEST_SUITE_END()
