// Writing output files atomically: a failed compilation never leaves a partial file behind.
#pragma once
#include <string>

#include "ir/evaluator.h"

namespace thrustc::driver {

// Writes `contents` to a temporary file beside `path`, then renames it into place.
bool WriteOutputFile(const std::string& path, const std::string& contents, std::string& error);

// The exit status of a program run that failed: 128+signal for crashes, 134 (abort) for traps.
int RunFailureExitStatus(const ir::EvalFailure& failure);

}  // namespace thrustc::driver
