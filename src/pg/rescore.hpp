// Rescoring a model's stored states after an edit of how they add up (a group's cap
// or counts_toward_total, the model's min_score/max_score): each row's score,
// fit_score, behavior_score and stored group scores are worked out again by the
// core (core::snapshot, core::encode_state), the one place of the cap arithmetic.
#pragma once
#include <cstdint>

#include "core/model.hpp"
#include "pg/guard.hpp"

namespace ls::pg {

// The model's clamp and groups (ids, caps, counts_toward_total) as the calling
// statement sees them, active or not. An unknown id is an error.
core::ModelDef load_model_shape(int32_t model_id);

// Rescores every stored state of the model, locking the rows in contact order (as
// scoring does) in chunks; returns how many rows changed. Needs an SPI connection.
int64_t rescore_model(int32_t model_id);

}  // namespace ls::pg
