// The one serialiser of a contact's scoring state (lead_scoring.contact_scores.state).
//
// What SQL and indexes need stays in real columns (score, qualified, last activity,
// maintenance due time); everything else the core keeps per contact and model is
// this one value, written and read here only. A new state field touches the core
// (ContactState, this codec, its round-trip test) and nothing in the adapter.
//
// Format (compact binary, chosen over jsonb by measurement: README "Contact state"):
//   byte 0: the format version (kStateFormat)
//   then three sections, each a count followed by its entries, every integer a
//   zigzag LEB128 varint:
//     groups:        group_id, fit units, balance units, decay steps, score units
//     fit matches:   rule_id, group_id, units
//     rule limits:   rule_id, awards, last award time (µs)
//   format 2 only (a state with a predictive part; format 1 otherwise):
//     predictive:    fit_id, a count of counts, the counts, attribute_logit's
//                    IEEE 754 bits as one varint
// The awards of windowed groups are not part of it: they grow without bound, so
// they live in their own table (lead_scoring.window_awards, pg/window_store.hpp).
// A group's score is stored as the core worked it out (its cap applied), so that
// views read it instead of repeating the cap arithmetic.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/contact_state.hpp"

namespace ls::core {

constexpr uint8_t kStateFormat = 1;            // without a predictive part
constexpr uint8_t kStateFormatPredictive = 2; // with one

// A stored state that cannot be read (cut short, trailing bytes, unknown version).
struct StateFormatError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The state as bytes. Each group's score is group_score() under `model`'s
// definition of the group, or fit + balance for a group the model no longer has.
std::string encode_state(const ModelDef& model, const ContactState& state);

struct DecodedState {
    ContactState state;  // qualified and last_activity_at are columns: left at their defaults
    std::vector<Points> group_scores;  // parallel to state.groups
};
DecodedState decode_state(const uint8_t* data, size_t size);
// The bytes of a decoded state, its group scores kept as they are (an edit of one
// field from SQL, such as a decay step count, re-encodes without the model).
std::string encode_state(const DecodedState& decoded);

// The state as readable JSON text (lead_scoring.state_as_jsonb), points as decimals.
// (ContactState::window_awards is neither encoded nor shown.)
std::string state_to_json(const DecodedState& decoded);

}  // namespace ls::core
