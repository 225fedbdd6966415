#pragma once
// The inverse of an enum's *_name function, so each enum spells its names once (in that function).
#include <optional>
#include <ranges>
#include <string_view>

namespace llmsim {

// The value among `all` whose name_of(value) is `name`; nullopt when none is.
template <std::ranges::input_range Values, typename NameOf>
std::optional<std::ranges::range_value_t<Values>> enum_from_name(std::string_view name, const Values& all,
                                                                 NameOf name_of) {
    for (const auto value : all) {
        if (name_of(value) == name) return value;
    }
    return std::nullopt;
}

}  // namespace llmsim
