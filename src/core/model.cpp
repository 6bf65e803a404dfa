#include "core/model.hpp"

namespace ls::core {

const GroupDef* ModelDef::group(int32_t group_id) const {
    for (const auto& g : groups)
        if (g.id == group_id) return &g;
    return nullptr;
}

bool more_specific(const EventRuleDef& a, const EventRuleDef& b) {
    if (a.match_keys != b.match_keys) return a.match_keys > b.match_keys;
    if (a.has_condition != b.has_condition) return a.has_condition;
    return a.id < b.id;
}

}  // namespace ls::core
