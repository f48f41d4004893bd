// The IR verifier: checks the structural and type invariants of a Module. Runs after lowering
// and after parsing IR text; a failure after lowering is a compiler bug.
#pragma once
#include <string>
#include <vector>

#include "ir/ir.h"

namespace thrustc::ir {

// Returns one message per problem ("function 'f', block bb2, inst 3: ..."); empty when valid.
std::vector<std::string> Verify(const Module& module);

}  // namespace thrustc::ir
