#include "pg/key_path.hpp"

#include "pg/guard.hpp"

extern "C" {
#include "utils/jsonpath.h"
}

namespace ls::pg {

namespace {

// A parsed path, as plain values for pg::call: the keys point into the jsonpath.
constexpr int kMostKeys = 16;
struct Parsed {
    bool ok = false;
    int keys = 0;
    const char* key[kMostKeys] = {};
    int32 length[kMostKeys] = {};
    bool compares = false;
    bool compare_to = false;
};

// Reads the keys of a chain $.k1.k2... starting at `item` (the root); false when
// the chain is anything else.
bool read_key_chain(JsonPathItem item, Parsed& out) {
    if (item.type != jpiRoot) return false;
    JsonPathItem next;
    while (jspGetNext(&item, &next)) {
        if (next.type != jpiKey || out.keys == kMostKeys) return false;
        out.key[out.keys] = jspGetString(&next, &out.length[out.keys]);
        ++out.keys;
        item = next;
    }
    return out.keys > 0;
}

}  // namespace

std::optional<KeyPath> KeyPath::compile(Datum jsonpath) {
    const Parsed p = call([&]() -> Parsed {
        Parsed out;
        JsonPath* path = DatumGetJsonPathP(jsonpath);
        JsonPathItem item;
        jspInit(&item, path);
        if (item.type == jpiEqual) {
            JsonPathItem left, right, after;
            jspGetLeftArg(&item, &left);
            jspGetRightArg(&item, &right);
            if (jspGetNext(&item, &after) || right.type != jpiBool || jspGetNext(&right, &after)) return out;
            out.compares = true;
            out.compare_to = jspGetBool(&right);
            out.ok = read_key_chain(left, out);
            return out;
        }
        out.ok = read_key_chain(item, out);
        return out;
    });
    if (!p.ok) return std::nullopt;
    KeyPath path;
    for (int i = 0; i < p.keys; ++i) path.keys_.emplace_back(p.key[i], static_cast<size_t>(p.length[i]));
    if (p.compares) path.compare_to_ = p.compare_to;
    return path;
}

KeyPath::Walk KeyPath::value(Datum document, JsonbValue& value) const {
    return call([&]() -> Walk {
        Jsonb* jb = DatumGetJsonbP(document);
        JsonbContainer* container = &jb->root;
        for (size_t i = 0; i < keys_.size(); ++i) {
            // (a raw scalar document is an array of one element: unsure, as arrays are)
            if (!JsonContainerIsObject(container)) return Walk::Unsure;
            if (!getKeyJsonValueFromContainer(container, keys_[i].data(), static_cast<int>(keys_[i].size()), &value))
                return Walk::Missing;
            if (i + 1 == keys_.size()) return Walk::Found;
            if (value.type != jbvBinary) return Walk::Unsure;  // a scalar before the last key
            container = value.val.binary.data;
        }
        return Walk::Missing;
    });
}

std::optional<bool> KeyPath::holds(Datum document) const {
    JsonbValue v;
    switch (value(document, v)) {
        case Walk::Missing:
            return false;  // nothing to compare: no pair is equal
        case Walk::Unsure:
            return std::nullopt;
        case Walk::Found:
            break;
    }
    if (v.type == jbvBinary && JsonContainerIsArray(v.val.binary.data)) return std::nullopt;  // lax: unwrapped
    // A boolean equals or not; null is not equal to true or false; any other type
    // against a boolean is unknown, which does not hold either.
    return v.type == jbvBool && v.val.boolean == *compare_to_;
}

}  // namespace ls::pg
