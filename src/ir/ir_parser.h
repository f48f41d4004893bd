// Parses the Thrust IR text form back into a Module (`thrustc -run-ir file.tir`, IR tests).
// Print(Parse(Print(m))) == Print(m) for every module.
#pragma once
#include <string>
#include <string_view>

#include "ir/ir.h"

namespace thrustc::ir {

struct ParseError {
  uint32_t line = 0, col = 0;
  std::string message;
};

// Returns true on success; on failure fills `error` (line and column in `text`).
bool ParseModule(std::string_view text, Module& out, ParseError& error);

}  // namespace thrustc::ir
