#pragma once
// Masks for showing personal identifiers on screen (DESIGN §8). They never fail and never
// reveal more than stated: input of an unexpected shape is masked completely.

#include <string>
#include <string_view>

namespace cg::model {

// An 18-character ID number -> first 6 and last 4 kept: "150203********1234".
// Anything else becomes one '*' per byte.
std::string MaskResidentId(std::string_view normalised_id);

// An 11-digit mobile number -> first 3 and last 4 kept: "138****5678".
// Anything else becomes one '*' per byte.
std::string MaskPhone(std::string_view normalised_phone);

}  // namespace cg::model
