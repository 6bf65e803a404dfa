#define BOOST_TEST_MODULE lead_scoring core
#include <boost/test/unit_test.hpp>
