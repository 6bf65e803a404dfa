// How passes over history size their chunks of contacts (core/chunk_sizer.hpp):
// about the target's events at the events per contact of the chunk before, growing
// at most twofold, within 1 and kMaxContacts.
#include <boost/test/unit_test.hpp>

#include <cstdint>

#include "core/chunk_sizer.hpp"

using ls::core::ChunkSizer;

BOOST_AUTO_TEST_SUITE(chunk_sizer)

BOOST_AUTO_TEST_CASE(the_first_chunk_takes_a_fiftieth_of_the_target) {
    BOOST_TEST(ChunkSizer(20000).contacts() == 400);
    BOOST_TEST(ChunkSizer(7).contacts() == 1);  // never none
    BOOST_TEST(ChunkSizer(0).contacts() == 1);
    BOOST_TEST(ChunkSizer(10000000).contacts() == ChunkSizer::kMaxContacts);
}

BOOST_AUTO_TEST_CASE(chunks_grow_at_most_twofold_towards_the_target) {
    ChunkSizer s(20000);
    s.done(400, 4000);  // 10 events a contact: the target would take 2,000
    BOOST_TEST(s.contacts() == 800);
    s.done(800, 8000);
    BOOST_TEST(s.contacts() == 1600);
    s.done(1600, 16000);
    BOOST_TEST(s.contacts() == 2000);
    s.done(2000, 20000);
    BOOST_TEST(s.contacts() == 2000);
}

BOOST_AUTO_TEST_CASE(long_histories_shrink_the_next_chunk_at_once) {
    ChunkSizer s(20000);
    s.done(400, 400 * 20000);  // 20,000 events a contact
    BOOST_TEST(s.contacts() == 1);
    s.done(1, 5);
    BOOST_TEST(s.contacts() == 2);
}

BOOST_AUTO_TEST_CASE(contacts_without_events_do_not_make_the_next_chunk_jump) {
    ChunkSizer s(20000);
    s.done(400, 0);
    BOOST_TEST(s.contacts() == 800);
    for (int i = 0; i < 10; ++i) s.done(s.contacts(), 0);
    BOOST_TEST(s.contacts() == ChunkSizer::kMaxContacts);
}

BOOST_AUTO_TEST_CASE(an_empty_chunk_changes_nothing_and_large_values_do_not_overflow) {
    ChunkSizer s(10000000);
    s.done(0, 0);
    BOOST_TEST(s.contacts() == ChunkSizer::kMaxContacts);
    s.done(INT64_MAX / 4, 1);  // a locked re-read can hold more than the limit
    BOOST_TEST(s.contacts() == ChunkSizer::kMaxContacts);
    s.done(ChunkSizer::kMaxContacts, 1);
    BOOST_TEST(s.contacts() == ChunkSizer::kMaxContacts);
}

BOOST_AUTO_TEST_SUITE_END()
