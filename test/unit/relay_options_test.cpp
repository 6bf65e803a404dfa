// lead_scoring_relay's command line and retry arithmetic (src/relay/options.hpp).
#include <boost/test/unit_test.hpp>

#include "relay/options.hpp"

using namespace ls::relay;

BOOST_AUTO_TEST_SUITE(relay_options)

BOOST_AUTO_TEST_CASE(parses_every_option) {
    const Options o = parse_options({"-d", "dbname=x", "--exec", "curl -d @- http://h", "--channel", "sales", "--channel",
                                     "ops", "--batch", "5", "--max-attempts", "3", "--lease", "30", "--poll", "0.5",
                                     "--retry-base", "2", "--timeout", "10", "--once"});
    BOOST_TEST(o.conninfo == "dbname=x");
    BOOST_TEST(*o.command == "curl -d @- http://h");
    BOOST_TEST(o.channels == std::vector<std::string>({"sales", "ops"}), boost::test_tools::per_element());
    BOOST_TEST(o.batch == 5);
    BOOST_TEST(o.max_attempts == 3);
    BOOST_TEST(o.lease_seconds == 30);
    BOOST_TEST(o.poll_seconds == 0.5);
    BOOST_TEST(o.retry_base_seconds == 2);
    BOOST_TEST(o.timeout_seconds == 10);
    BOOST_TEST(o.once);
    BOOST_TEST(!parse_options({"-d", "x"}).command.has_value());  // stdout by default
    BOOST_TEST(parse_options({"--help"}).help);
}

BOOST_AUTO_TEST_CASE(refuses_bad_arguments_naming_them) {
    BOOST_CHECK_THROW(parse_options({}), UsageError);  // no -d
    BOOST_CHECK_THROW(parse_options({"-d"}), UsageError);
    BOOST_CHECK_THROW(parse_options({"-d", "x", "--batch", "0"}), UsageError);
    BOOST_CHECK_THROW(parse_options({"-d", "x", "--batch", "5x"}), UsageError);
    BOOST_CHECK_THROW(parse_options({"-d", "x", "--poll", "-1"}), UsageError);
    BOOST_CHECK_THROW(parse_options({"-d", "x", "--channel", std::string(64, 'c')}), UsageError);
    BOOST_CHECK_THROW(parse_options({"-d", "x", "--frobnicate"}), UsageError);
    BOOST_CHECK_THROW(parse_options({"-d", "x", "--poll", "inf"}), UsageError);
    BOOST_CHECK_THROW(parse_options({"-d", "x", "--lease", "5"}), UsageError);  // the default --timeout 30 outlasts it
    BOOST_CHECK_NO_THROW(parse_options({"-d", "x", "--lease", "5", "--timeout", "4"}));
    try {
        parse_options({"-d", "x", "--max-attempts", "many"});
        BOOST_FAIL("no error");
    } catch (const UsageError& e) {
        BOOST_TEST(std::string(e.what()).find("--max-attempts") != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(retries_wait_longer_each_time_up_to_an_hour) {
    BOOST_TEST(retry_after_seconds(1, 1) == 1);
    BOOST_TEST(retry_after_seconds(2, 1) == 2);
    BOOST_TEST(retry_after_seconds(4, 5) == 40);
    BOOST_TEST(retry_after_seconds(30, 1) == 3600);
    BOOST_TEST(retry_after_seconds(1000, 60) == 3600);
}

BOOST_AUTO_TEST_SUITE_END()
