// The compiler pipeline, in one function: Compile() lists every phase in order.
#pragma once
#include "driver/options.h"

namespace thrustc::driver {

// Runs the pipeline the options ask for and returns the process exit status.
int Compile(const Options& options);

// `-run-ir FILE`: parses Thrust IR text, verifies it and runs its `main` on the interpreter.
int RunIrFile(const Options& options);

}  // namespace thrustc::driver
