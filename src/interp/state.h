// The interpreter's private state shared by its files: decoded functions, materialized globals,
// native addresses and closures, the interpreter-owned stack and the frame stack.
// interpreter.cpp owns the public API; execute.cpp runs code; ffi_calls.cpp talks to C.
#pragma once
#include <cstdint>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "interp/decoded.h"
#include "interp/interpreter.h"

namespace thrustc::interp {

struct Closure;     // a native entry point of a Thrust function (ffi_calls.cpp)
struct FfiAggType;  // libffi struct type of an ir::AggType (ffi_calls.cpp)

struct Frame {
  const DFunc* fn;
  uint64_t* regs;       // the frame base: registers first, then slots
  uint8_t* saved_sp;    // stack pointer to restore when this frame returns
  uint32_t ret_pc;      // where the caller continues (when the caller is interpreted)
  uint32_t dst;         // the caller's result register
  uint64_t ret_dest;    // aggregate returns: where the caller wants the value
};

// Interpreter::State (private in interpreter.h) derives from this, so the interpreter's files
// can share it without widening the public header.
struct InterpState {
  InterpState(platform::Symbols& s, InterpOptions o);
  ~InterpState();
  InterpState(const InterpState&) = delete;
  InterpState& operator=(const InterpState&) = delete;

  platform::Symbols& symbols;
  InterpOptions options;
  const ir::Module* module = nullptr;

  std::vector<std::unique_ptr<DFunc>> funcs;     // per FuncId, decoded on first call
  std::vector<void*> native;                     // per FuncId: dlsym address of an External
  std::vector<Closure*> closures;                 // per FuncId: native entry of a Thrust function
  std::unordered_map<uint64_t, ir::FuncId> closure_funcs;  // closure code address -> function
  std::vector<uint8_t*> globals;                 // per GlobalId, materialized on first use
  std::vector<bool> global_owned;                // allocated by us (else a C symbol)
  std::vector<FfiAggType*> ffi_aggs;             // per AggId (owned; freed by ~State)
  // Caches of an earlier Module object (see Adopt): kept alive because C code may still hold
  // pointers into them, freed with the interpreter.
  std::vector<void*> retired_memory;
  std::vector<Closure*> retired_closures;
  std::vector<FfiAggType*> retired_aggs;

  uint8_t* stack_begin = nullptr;
  uint8_t* stack_end = nullptr;
  uint8_t* sp = nullptr;
  std::vector<Frame> frames;
  std::optional<ir::EvalFailure> failure;

  // The time limit of the running evaluation: the clock is read once every kTicksPerCheck
  // branches or calls, so the check costs one decrement on the hot path.
  static constexpr uint32_t kTicksPerCheck = 1u << 16;
  bool has_deadline = false;
  std::chrono::steady_clock::time_point deadline;
  char limit_text[32] = {};  // the time limit as printed, for the last-resort stop
  uint32_t ticks = kTicksPerCheck;
  volatile uint8_t deadline_fired = 0;  // set by the Deadline's signal (it also ends sleep early)
  // The function that made the last C call (the one in progress while C runs): where a refused C call
  // (platform/ct_natives.h) or a time-out inside C is reported.
  ir::FuncId native_caller = UINT32_MAX;

  // Grows the per-function and per-global caches after the module grew.
  void Adopt(const ir::Module& m);
};

using State = InterpState;

// execute.cpp: interprets `f` with `args` (one per parameter: scalars normalized, aggregates as
// pointers to the caller's value). Writes a scalar result to `result`, an aggregate result to
// `agg_ret`. Returns false with state.failure set when the code failed.
bool Execute(State& s, ir::FuncId f, const uint64_t* args, uint64_t* result, void* agg_ret);
// The decoded form of a defined function, decoding it now if needed (nullptr: failure set).
const DFunc* GetFunc(State& s, ir::FuncId f);
// Called when `ticks` runs out: false (with a Timeout failure set) once the deadline has passed.
bool CheckDeadline(State& s, ir::FuncId fn, int64_t pc);
// Records a failure in function `fn` at instruction `pc` (or without location when pc is -1).
void SetFailure(State& s, ir::EvalFailure::Kind kind, std::string message, ir::FuncId fn, int64_t pc);

// interpreter.cpp. `at_fn`/`at_pc` say where the address was needed (for failure reports).
uint8_t* MaterializeGlobal(State& s, ir::GlobalId g, ir::FuncId at_fn, int64_t at_pc);  // nullptr: failed
void* FunctionAddress(State& s, ir::FuncId f, ir::FuncId at_fn, int64_t at_pc);  // closure or C address

// ffi_calls.cpp
// Calls the native function at `target` with the call site's C signature; a scalar result goes
// to register `dst`, an aggregate one to the call's ret_dest.
bool CallNative(State& s, void* target, const DCall& call, uint64_t* regs, uint32_t dst, ir::FuncId caller,
                uint32_t pc);
// The native entry of Thrust function `f`, creating the libffi closure on first use.
void* ClosureFor(State& s, ir::FuncId f);
void DestroyClosure(Closure* c);
void DestroyFfiAgg(FfiAggType* t);

}  // namespace thrustc::interp
