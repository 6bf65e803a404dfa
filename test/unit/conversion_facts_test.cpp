// The conversion facts kept with a score: the earliest event and the earliest
// conversion, whatever order the events come in.
#include <boost/test/unit_test.hpp>

#include "core/conversion_facts.hpp"

using namespace ls::core;

BOOST_AUTO_TEST_SUITE(conversion_facts)

BOOST_AUTO_TEST_CASE(the_earliest_event_and_conversion_whatever_the_order) {
    ConversionFacts f;
    f.see(50, false);
    BOOST_TEST(*f.first_event_at == 50);
    BOOST_TEST(!f.converted_at.has_value());
    f.see(70, true);
    f.see(30, false);  // a late event dated earlier
    f.see(60, true);   // an earlier conversion, arriving later
    BOOST_TEST(*f.first_event_at == 30);
    BOOST_TEST(*f.converted_at == 60);
    ConversionFacts g;
    for (Micros t : {60, 30, 70, 50}) g.see(t, t == 60 || t == 70);
    BOOST_TEST((f == g));
}

BOOST_AUTO_TEST_SUITE_END()
