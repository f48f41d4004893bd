// The Thrust IR text form: printing (`-print thrust-ir`, `-emit thrust-ir`).
#pragma once
#include <string>

#include "ir/ir.h"

namespace thrustc::ir {

std::string Print(const Module& module);
std::string PrintFunction(const Module& module, FuncId f);

}  // namespace thrustc::ir
