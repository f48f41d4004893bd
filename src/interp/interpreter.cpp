// The interpreter's public face (interpreter.h): module adoption, lazily materialized globals,
// function addresses, and the guarded entry points Run / RunMain / Call / ReadCString. Every
// evaluation runs inside a platform crash guard, so traps and native faults come back as values.
#include "interp/interpreter.h"

#include <cstdio>

#include <cstdlib>
#include <cstring>

#include "interp/state.h"
#include "ir/call_values.h"
#include "platform/crash_guard.h"
#include "platform/ct_natives.h"
#include "platform/time_guard.h"

namespace thrustc::interp {

using ir::EvalFailure;

namespace {

constexpr size_t kStackAlign = 64;

EvalFailure MakeFailure(EvalFailure::Kind kind, std::string message) {
  EvalFailure f;
  f.kind = kind;
  f.message = std::move(message);
  return f;
}

void* AllocateAligned(size_t size, size_t align) {
  align = std::max<size_t>(align, 16);
  size = (std::max<size_t>(size, 1) + align - 1) / align * align;  // aligned_alloc wants a multiple
  return std::aligned_alloc(align, size);
}

std::string JoinLibraries(const platform::Symbols& symbols) {
  std::string out;
  for (const std::string& lib : symbols.SearchedLibraries()) out += (out.empty() ? "" : ", ") + lib;
  return out.empty() ? "no libraries" : out;
}

void ReportMissingSymbol(State& s, const std::string& name, ir::FuncId at_fn, int64_t at_pc) {
  SetFailure(s, EvalFailure::Kind::MissingSymbol,
             "C symbol `" + name + "` not found (searched: " + JoinLibraries(s.symbols) + ")", at_fn, at_pc);
}

// Stores the address of each relocation target into a freshly materialized global.
bool ApplyRelocations(State& s, const ir::Global& g, uint8_t* mem, ir::FuncId at_fn, int64_t at_pc) {
  for (const ir::Reloc& r : g.relocs) {
    void* target = r.to_function ? FunctionAddress(s, r.target, at_fn, at_pc)
                                 : (r.target < s.globals.size() && s.globals[r.target]
                                        ? s.globals[r.target]
                                        : MaterializeGlobal(s, r.target, at_fn, at_pc));
    if (!target) return false;
    uint64_t value = uint64_t(target) + uint64_t(r.addend);
    std::memcpy(mem + r.offset, &value, sizeof value);
  }
  return true;
}

struct GuardedCall {
  State* state;
  ir::FuncId func;
  const uint64_t* args;
  uint64_t* result;
  bool ok;
};

void RunGuardedCall(void* ctx) {
  auto* call = static_cast<GuardedCall*>(ctx);
  call->ok = Execute(*call->state, call->func, call->args, call->result, nullptr);
}

}  // namespace

InterpState::InterpState(platform::Symbols& s, InterpOptions o) : symbols(s), options(o) {
  size_t bytes = (options.max_stack_bytes + kStackAlign - 1) / kStackAlign * kStackAlign;
  stack_begin = static_cast<uint8_t*>(AllocateAligned(bytes, kStackAlign));
  stack_end = stack_begin ? stack_begin + bytes : nullptr;
  sp = stack_begin;
}

InterpState::~InterpState() {
  platform::ReleaseCompileTimeHeap(this);  // what compile-time code malloc'ed and kept
  for (size_t i = 0; i < globals.size(); ++i)
    if (global_owned[i]) std::free(globals[i]);
  for (void* p : retired_memory) std::free(p);
  for (Closure* c : closures)
    if (c) DestroyClosure(c);
  for (Closure* c : retired_closures) DestroyClosure(c);
  for (FfiAggType* t : ffi_aggs)
    if (t) DestroyFfiAgg(t);
  for (FfiAggType* t : retired_aggs) DestroyFfiAgg(t);
  std::free(stack_begin);
}

void InterpState::Adopt(const ir::Module& m) {
  if (module != &m && module != nullptr) {
    // A different Module object: ids no longer mean the same things. Start over, keeping the
    // memory C code may still point to alive until the interpreter goes away.
    for (size_t i = 0; i < globals.size(); ++i)
      if (global_owned[i]) retired_memory.push_back(globals[i]);
    for (Closure* c : closures)
      if (c) retired_closures.push_back(c);
    for (FfiAggType* t : ffi_aggs)
      if (t) retired_aggs.push_back(t);
    funcs.clear(), native.clear(), closures.clear(), closure_funcs.clear();
    globals.clear(), global_owned.clear(), ffi_aggs.clear();
  }
  module = &m;
  funcs.resize(m.functions.size());
  native.resize(m.functions.size(), nullptr);
  closures.resize(m.functions.size(), nullptr);
  globals.resize(m.globals.size(), nullptr);
  global_owned.resize(m.globals.size(), false);
  ffi_aggs.resize(m.aggs.size(), nullptr);
}

uint8_t* MaterializeGlobal(State& s, ir::GlobalId id, ir::FuncId at_fn, int64_t at_pc) {
  if (id >= s.globals.size()) {
    SetFailure(s, EvalFailure::Kind::Internal, "address of a global that does not exist", at_fn, at_pc);
    return nullptr;
  }
  if (s.globals[id]) return s.globals[id];
  const ir::Global& g = s.module->globals[id];
  if (g.linkage == ir::Linkage::External) {
    auto* p = static_cast<uint8_t*>(s.symbols.Find(g.name));
    if (!p) ReportMissingSymbol(s, g.name, at_fn, at_pc);
    return s.globals[id] = p;
  }
  auto* mem = static_cast<uint8_t*>(AllocateAligned(g.size, g.align));
  std::memset(mem, 0, std::max<size_t>(g.size, 1));
  if (!g.bytes.empty()) std::memcpy(mem, g.bytes.data(), std::min<size_t>(g.bytes.size(), g.size));
  // Published before relocating so globals that point at each other terminate.
  s.globals[id] = mem;
  s.global_owned[id] = true;
  if (!ApplyRelocations(s, g, mem, at_fn, at_pc)) {
    s.globals[id] = nullptr;
    s.global_owned[id] = false;
    std::free(mem);
    return nullptr;
  }
  return mem;
}

void* FunctionAddress(State& s, ir::FuncId f, ir::FuncId at_fn, int64_t at_pc) {
  if (f >= s.module->functions.size()) {
    SetFailure(s, EvalFailure::Kind::Internal, "address of a function that does not exist", at_fn, at_pc);
    return nullptr;
  }
  const ir::Function& fn = s.module->functions[f];
  if (!fn.IsExternal()) return ClosureFor(s, f);
  if (!s.native[f]) {
    if (s.options.compile_time) s.native[f] = platform::CompileTimeReplacement(fn.name);
    if (!s.native[f]) s.native[f] = s.symbols.Find(fn.name);
    if (!s.native[f]) ReportMissingSymbol(s, fn.name, at_fn, at_pc);
  }
  return s.native[f];
}

struct Interpreter::State : InterpState {
  using InterpState::InterpState;
};

Interpreter::Interpreter(platform::Symbols& symbols, InterpOptions options)
    : state_(std::make_unique<State>(symbols, options)) {
  std::snprintf(state_->limit_text, sizeof state_->limit_text, "%g", options.ct_time_limit_seconds);
}

Interpreter::~Interpreter() = default;

namespace {

// Runs `f` under the crash guard; the single path by which every entry point executes code.
std::optional<EvalFailure> RunFunction(State& s, const ir::Module& m, ir::FuncId f, const uint64_t* args,
                                       uint64_t* result) {
  s.Adopt(m);
  s.failure.reset();
  s.frames.clear();
  s.sp = s.stack_begin;
  if (!s.stack_begin) return MakeFailure(EvalFailure::Kind::Crash, "out of memory: cannot allocate the interpreter stack");
  GuardedCall call{&s, f, args, result, false};
  int code = platform::RunGuarded(RunGuardedCall, &call);
  std::optional<EvalFailure> out;
  if (code > 0) {
    EvalFailure crash;
    crash.kind = EvalFailure::Kind::Crash;
    crash.message = std::string(platform::DescribeSignal(code));
    ir::FuncId where = s.frames.empty() ? f : s.frames.back().fn->id;
    crash.function = m.functions[where].name;
    out = std::move(crash);
  } else if (code == platform::kGuardEscaped || !call.ok) {
    out = s.failure ? *s.failure : MakeFailure(EvalFailure::Kind::Internal, "evaluation failed");
  }
  s.frames.clear();
  s.sp = s.stack_begin;
  return out;
}

std::optional<EvalFailure> CheckEntry(const ir::Module& m, ir::FuncId f, size_t arg_count) {
  if (f >= m.functions.size() || m.functions[f].IsExternal())
    return MakeFailure(EvalFailure::Kind::Internal, "entry is not a function defined in the module");
  const ir::Signature& sig = m.functions[f].sig;
  if (sig.params.size() != arg_count)
    return MakeFailure(EvalFailure::Kind::Internal, "`" + m.functions[f].name + "` takes " + std::to_string(sig.params.size()) +
                           " arguments, given " + std::to_string(arg_count));
  for (const ir::AbiType& p : sig.params)
    if (p.IsAgg())
      return MakeFailure(EvalFailure::Kind::Internal, "not supported yet: aggregate arguments to an entry");
  if (sig.ret.IsAgg())
    return MakeFailure(EvalFailure::Kind::Internal, "not supported yet: aggregate results from an entry");
  return std::nullopt;
}

}  // namespace

bool CheckDeadline(State& s, ir::FuncId fn, int64_t pc) {
  s.ticks = State::kTicksPerCheck;
  if (!s.has_deadline || std::chrono::steady_clock::now() < s.deadline) return true;
  char limit[32];
  std::snprintf(limit, sizeof limit, "%g", s.options.ct_time_limit_seconds);
  SetFailure(s, EvalFailure::Kind::Timeout,
             std::string("compile-time evaluation ran past the time limit of ") + limit + " s", fn, pc);
  return false;
}

namespace {
// LastResort's stop, in a signal handler: the interpreter is inside a C call that has not returned.
void StopBlocked(void* state) {
  auto* s = static_cast<State*>(state);
  platform::StopProcess({"thrustc: error: compile-time evaluation ran past the time limit of ", s->limit_text,
                         " s and is still blocked in a C function; stopping (raise the limit with -ct-timeout "
                         "SECONDS) [CompileTimeTimeout]\n"},
                        1);
}
}  // namespace

// platform::CompileTimeNatives' stop: a refused C call, reported in the function making it,
// without the call's line: the ctjit knows only which function called out, and both evaluators
// report the same diagnostic.
static void StopNative(void* state, platform::NativeStop why, const char* message) {
  auto* s = static_cast<State*>(state);
  SetFailure(*s, why == platform::NativeStop::MemoryLimit ? EvalFailure::Kind::MemoryLimit : EvalFailure::Kind::ProcessExit,
             message, s->native_caller, -1);
  platform::EscapeGuard();
}

std::optional<EvalFailure> Interpreter::Run(const ir::Module& module, ir::FuncId thunk, void* out, size_t) {
  if (auto bad = CheckEntry(module, thunk, 1)) return bad;
  uint64_t args[1] = {uint64_t(out)};
  uint64_t result = 0;
  State& s = *state_;
  double limit = s.options.ct_time_limit_seconds;
  s.has_deadline = limit > 0;
  s.deadline = std::chrono::steady_clock::now() +
               std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(limit));
  s.ticks = State::kTicksPerCheck;
  s.deadline_fired = 0;
  s.native_caller = UINT32_MAX;
  platform::CompileTimeNatives natives{s.options.ct_memory_limit_bytes, 0, &StopNative, &s};
  platform::CompileTimeNativesScope natives_scope(s.options.compile_time ? &natives : nullptr);
  std::optional<EvalFailure> failure;
  {
    // The clock is read between instructions; the Deadline's signal also ends a C call sleeping
    // past the limit. A C call blocked in a system call that the signal does not end would
    // outlive the limit, so a LastResort stops the process after a grace period (as the ctjit does).
    platform::Deadline deadline(limit, &s.deadline_fired);
    platform::LastResort last_resort(limit > 0 ? limit + platform::kBlockedGraceSeconds : 0, &StopBlocked, &s);
    failure = RunFunction(s, module, thunk, args, &result);
  }
  // The limit passed inside a C call that then returned, with no check after it: still a time-out.
  if (!failure && s.has_deadline && (s.deadline_fired || std::chrono::steady_clock::now() >= s.deadline)) {
    ir::FuncId where = s.native_caller != UINT32_MAX ? s.native_caller : thunk;
    SetFailure(s, EvalFailure::Kind::Timeout,
               std::string("compile-time evaluation ran past the time limit of ") + s.limit_text + " s", where, -1);
    failure = s.failure;
  }
  s.has_deadline = false;
  return failure;
}

std::optional<EvalFailure> Interpreter::Call(const ir::Module& module, ir::FuncId f, const std::vector<uint64_t>& args,
                                             uint64_t& result) {
  if (auto bad = CheckEntry(module, f, args.size())) return bad;
  std::vector<uint64_t> normalized(args);
  const ir::Signature& sig = module.functions[f].sig;
  for (size_t i = 0; i < args.size(); ++i) {
    ir::Type t = sig.params[i].scalar;
    if (ir::IsInt(t)) normalized[i] = Normalize(args[i], uint8_t(64 - TypeBits(t)));
    if (t == ir::Type::F32) normalized[i] &= 0xffffffffu;
  }
  result = 0;
  return RunFunction(*state_, module, f, normalized.data(), &result);
}

std::optional<EvalFailure> Interpreter::RunMain(const ir::Module& module, ir::FuncId entry,
                                                const std::vector<std::string>& args, int& exit_code) {
  if (entry >= module.functions.size())
    return MakeFailure(EvalFailure::Kind::Internal, "no entry function");
  const ir::Signature& sig = module.functions[entry].sig;
  ir::EntryArgs entry_args;
  if (auto bad = ir::BuildEntryArgs(sig, args, entry_args)) return MakeFailure(EvalFailure::Kind::Internal, *bad);
  uint64_t result = 0;
  auto failure = Call(module, entry, entry_args.values, result);
  exit_code = sig.ret.scalar == ir::Type::Void ? 0 : int(int32_t(result));
  return failure;
}

std::optional<std::string> Interpreter::ReadCString(uint64_t address) {
  if (address == 0) return std::nullopt;
  std::string text;
  // A bad pointer produced by compile-time code is the program's fault, not thrustc's.
  if (!platform::ReadCStringGuarded(uintptr_t(address), text)) return std::nullopt;
  return text;
}

}  // namespace thrustc::interp
