// The compile-time JIT: Thrust IR → machine code (x86-64 now, AArch64 next) with asmjit's
// assembler and our own instruction selection and register allocation, copied into executable
// memory from src/platform/ and called directly. Runs compile-time code (as an ir::Evaluator) and
// whole programs (`thrustc -jit`). No LLVM, no asmjit JitRuntime.
#pragma once
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ir/evaluator.h"
#include "ir/ir.h"
#include "platform/exec_memory.h"
#include "platform/symbols.h"

namespace thrustc::ctjit {

struct JitOptions {
  platform::ExecPolicy memory = platform::ExecPolicy::WriteXorExecute;  // -ctjit-memory
  double ct_time_limit_seconds = 0;   // per compile-time evaluation (Run); 0 = none
  uint64_t ct_memory_limit_bytes = 0; // heap of compile-time code (malloc/calloc/realloc); 0 = none
  // Run evaluates compile-time code: its C heap and process-exit calls go to the wrappers of
  // platform/ct_natives.h (heap counted against ct_memory_limit_bytes, exits refused).
  bool compile_time = false;
  FILE* trace = nullptr;              // -ctjit-trace: every mechanical step as it happens
  FILE* print_asm = nullptr;          // -print ctjit-asm: each function as IR next to its assembly
};

// Per-phase statistics for -ctjit-stats. Lowering IR is instruction selection here (IR goes to
// target MIR in one step), so there is no separate lowering phase.
struct JitStats {
  double isel_seconds = 0, regalloc_seconds = 0, encode_seconds = 0,
         map_seconds = 0, run_seconds = 0;
  uint64_t functions = 0, ir_instructions = 0, code_bytes = 0, runs = 0;
  void Print(FILE* out) const;
};

class Jit : public ir::Evaluator {
 public:
  Jit(platform::Symbols& symbols, JitOptions options = {});
  ~Jit() override;

  // ir::Evaluator: compiles the thunk's whole dependency closure (once per compilation; later
  // runs reuse compiled code), then calls it natively under the crash guard.
  std::optional<ir::EvalFailure> Run(const ir::Module& module, ir::FuncId thunk, void* out, size_t out_size) override;
  std::optional<std::string> ReadCString(uint64_t address) override;

  // `thrustc -jit`: runs `entry` natively with C-style argc/argv when it takes them.
  std::optional<ir::EvalFailure> RunMain(const ir::Module& module, ir::FuncId entry,
                                         const std::vector<std::string>& args, int& exit_code);
  // For IR tests: scalar arguments and result as raw 64-bit patterns (as Interpreter::Call).
  std::optional<ir::EvalFailure> Call(const ir::Module& module, ir::FuncId f,
                                      const std::vector<uint64_t>& args, uint64_t& result);

  const JitStats& Stats() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace thrustc::ctjit
