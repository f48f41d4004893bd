// The reference interpreter of Thrust IR: defines what every program means. Runs compile-time
// code (as an ir::Evaluator) and whole programs (`thrustc -interp`). Memory is real process
// memory, so C functions (called through libffi, symbols from platform::Symbols) see it directly.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ir/evaluator.h"
#include "ir/ir.h"
#include "platform/symbols.h"

namespace thrustc::interp {

struct InterpOptions {
  uint64_t max_stack_bytes = 64ull << 20;  // deepest recursion before a "stack overflow" failure
  // Wall-clock limit of one compile-time evaluation (Run), in seconds; 0 = none. Checked on
  // branches and calls of interpreted code, so loops and recursion cannot hang thrustc.
  double ct_time_limit_seconds = 0;
  // Run evaluates compile-time code: its C heap and process-exit calls go to the wrappers of
  // platform/ct_natives.h (heap counted against ct_memory_limit_bytes, exits refused).
  bool compile_time = false;
  uint64_t ct_memory_limit_bytes = 0;  // 0 = none
};

class Interpreter : public ir::Evaluator {
 public:
  Interpreter(platform::Symbols& symbols, InterpOptions options = {});
  ~Interpreter() override;

  std::optional<ir::EvalFailure> Run(const ir::Module& module, ir::FuncId thunk, void* out, size_t out_size) override;
  std::optional<std::string> ReadCString(uint64_t address) override;

  // Runs `entry` (main) with C-style argc/argv when it takes them; `exit_code` gets its return.
  std::optional<ir::EvalFailure> RunMain(const ir::Module& module, ir::FuncId entry,
                                         const std::vector<std::string>& args, int& exit_code);

  // Calls any function with scalar arguments given as raw 64-bit patterns (floats as their
  // bits); returns the raw result. For IR tests (`; run:` lines).
  std::optional<ir::EvalFailure> Call(const ir::Module& module, ir::FuncId f,
                                      const std::vector<uint64_t>& args, uint64_t& result);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace thrustc::interp
