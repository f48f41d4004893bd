// The interface through which the frontend runs compile-time code. The driver hands the frontend
// an implementation: the interpreter (src/interp/) or, later, the native compile-time JIT. The
// frontend depends only on this interface, never on an executor.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "ir/ir.h"

namespace thrustc::ir {

struct EvalFailure {
  // ProcessExit: compile-time code called exit, abort, raise, ... (platform/ct_natives.h).
  enum class Kind : uint8_t { Trap, Crash, Timeout, MemoryLimit, MissingSymbol, ProcessExit, Internal };
  Kind kind = Kind::Internal;
  TrapKind trap = TrapKind::Unreachable;  // for Kind::Trap
  std::string message;                    // e.g. "division by zero", "segmentation fault"
  std::string function;                   // the IR function in which it happened
  SourceLoc loc;                          // the instruction's source location, when known
};

class Evaluator {
 public:
  virtual ~Evaluator() = default;
  // Runs `thunk`, a function of signature (ptr) -> void, passing it `out` (`out_size` bytes): the
  // thunk stores the result there. The module may have grown since the previous call (new functions and globals);
  // globals keep the values earlier runs gave them (per-compilation copies of statics).
  virtual std::optional<EvalFailure> Run(const Module& module, FuncId thunk, void* out, size_t out_size) = 0;
  // Reads a NUL-terminated string at an address that compile-time code produced.
  virtual std::optional<std::string> ReadCString(uint64_t address) = 0;
};

}  // namespace thrustc::ir
