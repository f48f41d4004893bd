// Runtime of the compile-time JIT: the C functions generated code calls (traps and time-outs),
// and the per-thread record of the evaluation running now.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ctjit/codegen.h"
#include "ir/evaluator.h"

namespace thrustc::ctjit {

struct RuntimeContext {
  const ir::Module* module = nullptr;
  const std::vector<TrapSite>* sites = nullptr;
  double time_limit_seconds = 0;
  // The time-out flag the deadline sets. An entry poll checks it and then the stack limit; a
  // deadline that fires between the two makes the limit look exceeded, so a "stack overflow"
  // with this flag set is reported as the time-out it is.
  const volatile uint8_t* timeout_flag = nullptr;
  std::optional<ir::EvalFailure> failure;
};

// Makes `ctx` the context of the evaluation on this thread (nullptr when none); returns the old.
RuntimeContext* SetRuntimeContext(RuntimeContext* ctx);

// Called by generated code's trap and time-out stubs: records the failure and leaves the guard.
[[noreturn]] void RuntimeTrap(uint32_t site);

// Records a failure of the running evaluation in `function` (a FuncId; no function when out of
// range) and leaves the guard. For failures found outside generated code (C heap limit, exits).
[[noreturn]] void RuntimeFail(ir::EvalFailure::Kind kind, std::string message, uint32_t function);

}  // namespace thrustc::ctjit
