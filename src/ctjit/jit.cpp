// The compile-time JIT (jit.h): a code cache per FuncId; each Run compiles the thunk's whole
// not-yet-compiled dependency closure as one batch (isel -> liveness -> linear scan -> encode ->
// map), materializes the globals it touches as compile-time copies, then calls the code
// natively under the crash guard with a deadline armed. Failures come back as EvalFailures.
#include "ctjit/jit.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "ctjit/runtime.h"
#include "ctjit/target.h"
#include "ir/call_values.h"
#include "platform/crash_guard.h"
#include "platform/ct_natives.h"
#include "platform/time_guard.h"

namespace thrustc::ctjit {

using ir::EvalFailure;

namespace {

constexpr uint64_t kStackBudget = 7ull << 20;  // of the 8 MB main-thread stack


double Since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

EvalFailure MakeFailure(EvalFailure::Kind kind, std::string message, std::string function = {}) {
  EvalFailure f;
  f.kind = kind;
  f.message = std::move(message);
  f.function = std::move(function);
  return f;
}

void* AllocateGlobal(size_t size, size_t align) {
  align = std::max<size_t>(align, 16);
  size = (std::max<size_t>(size, 1) + align - 1) / align * align;
  void* p = std::aligned_alloc(align, size);
  if (p) std::memset(p, 0, size);
  return p;
}

}  // namespace

void JitStats::Print(FILE* out) const {
  std::fprintf(out,
               "ctjit: %llu functions, %llu IR instructions, %llu bytes of code, %llu runs\n"
               "ctjit: isel %.3f ms, regalloc %.3f ms, encode %.3f ms, map %.3f ms, run %.3f ms\n",
               (unsigned long long)functions, (unsigned long long)ir_instructions, (unsigned long long)code_bytes,
               (unsigned long long)runs, isel_seconds * 1e3, regalloc_seconds * 1e3, encode_seconds * 1e3,
               map_seconds * 1e3, run_seconds * 1e3);
  double compile = isel_seconds + regalloc_seconds + encode_seconds + map_seconds;
  if (compile > 0)
    std::fprintf(out, "ctjit: compile speed %.2f M IR instructions/s\n", double(ir_instructions) / compile / 1e6);
}

struct Jit::State : CodegenEnv {
  platform::Symbols& symbols;
  JitOptions options;
  JitStats stats;
  platform::ExecMemory memory;
  const ir::Module* module = nullptr;
  std::vector<uint64_t> func_addr;  // native address per function (0: not compiled yet)
  std::vector<uint8_t*> globals;
  std::vector<TrapSite> sites;
  std::vector<void*> owned;         // global memory, freed with the Jit
  target::InvokeFn invoke = nullptr;
  // Polled by generated code (see DeadlineFlagAddress): the stack limit, little-endian, with the
  // time-out flag as its top byte; the watchdog sets that byte alone.
  struct alignas(16) RunFlags {
    volatile uint8_t limit[8] = {};
    uint8_t pad[8] = {};
    uint32_t calling_out = kNobody;  // the function that last called out of generated code
    volatile uint8_t* Deadline() { return &limit[7]; }
    // Also clears the time-out flag: user-space addresses never reach the top byte.
    void SetStackLimit(uint64_t v) {
      for (int i = 0; i < 8; ++i) limit[i] = uint8_t(i < 7 ? v >> (8 * i) : 0);
    }
  } flags;
  static constexpr uint32_t kNobody = UINT32_MAX;
  // Where each compiled function's code (stubs included) lies, sorted, to name crashes.
  struct CodeRange {
    uintptr_t begin, end;
    ir::FuncId function;
  };
  std::vector<CodeRange> ranges;
  std::optional<EvalFailure> failure;
  // Working storage of the compile pipeline, reused by every function of every batch: a small
  // function then costs no allocations.
  IselScratch isel_scratch;
  MFunction mf;
  Liveness live;
  Allocation alloc;
  // CollectClosure's marks, sized by the module once: an entry equal to `visit` means "seen in
  // this Run", so a Run does not pay for clearing (or allocating) marks for the whole module.
  std::vector<uint32_t> seen_fn, seen_gl;
  uint32_t visit = 0;

  State(platform::Symbols& s, JitOptions o) : symbols(s), options(o), memory(o.memory) {
    std::snprintf(limit_text, sizeof limit_text, "%g", options.ct_time_limit_seconds);
    if (options.trace) {
      memory.SetTrace([this](const platform::ExecEvent& e) {
        static const char* kNames[] = {"mmap", "mprotect", "icache-flush", "munmap"};
        std::fprintf(options.trace, "ctjit: %s %#llx size %zu %s (%.1f us)\n", kNames[int(e.kind)],
                     (unsigned long long)e.address, e.size, e.protection.c_str(), e.seconds * 1e6);
      });
    }
  }
  ~State() override {
    for (void* p : owned) std::free(p);
    platform::ReleaseCompileTimeHeap(this);  // what compile-time code malloc'ed and kept
  }

  // CodegenEnv
  uint64_t GlobalAddress(ir::GlobalId g) override { return uint64_t(uintptr_t(globals[g])); }
  uint64_t FunctionAddress(ir::FuncId f) override { return func_addr[f]; }
  uint32_t AddTrapSite(const TrapSite& s) override {
    sites.push_back(s);
    return uint32_t(sites.size() - 1);
  }
  uint64_t HelperAddress(Helper h) override {
    switch (h) {
      case Helper::Trap: return uint64_t(uintptr_t(&RuntimeTrap));
      case Helper::Memcpy: return uint64_t(uintptr_t(static_cast<void* (*)(void*, const void*, size_t)>(&std::memcpy)));
      case Helper::Memset: return uint64_t(uintptr_t(static_cast<void* (*)(void*, int, size_t)>(&std::memset)));
      case Helper::Fmod: return uint64_t(uintptr_t(static_cast<double (*)(double, double)>(&std::fmod)));
      default: return uint64_t(uintptr_t(static_cast<float (*)(float, float)>(&std::fmod)));
    }
  }
  uint64_t DeadlineFlagAddress() override { return uint64_t(uintptr_t(&flags.limit[0])); }

  void Adopt(const ir::Module& m);
  bool ResolveExternal(ir::FuncId f, ir::FuncId caller = UINT32_MAX, uint32_t loc = ir::kNoLoc);
  bool MaterializeGlobal(ir::GlobalId g, std::vector<ir::GlobalId>& fresh);
  bool CollectClosure(ir::FuncId root, std::vector<ir::FuncId>& batch, std::vector<ir::GlobalId>& fresh);
  bool CompileBatch(const std::vector<ir::FuncId>& batch);
  bool ApplyRelocations(const std::vector<ir::GlobalId>& fresh);
  bool Prepare(const ir::Module& m, ir::FuncId root);
  // LastResort's stop, in a signal handler: names the function that called out, then exits 1.
  static void StopBlocked(void* self);
  // platform::CompileTimeNatives' stop: a refused C call, in the function that called out.
  static void StopNative(void* self, platform::NativeStop why, const char* message);
  char limit_text[32] = {};  // the time limit as printed, formatted once with the options
  std::optional<EvalFailure> Invoke(ir::FuncId f, const uint64_t* gp, const uint64_t* fp, uint64_t* result);
  void NoteRanges(const std::vector<ir::FuncId>& batch, const PlacedCode& placed);
  ir::FuncId CrashedIn(ir::FuncId entry) const;
};

void Jit::State::NoteRanges(const std::vector<ir::FuncId>& batch, const PlacedCode& placed) {
  auto base = uintptr_t(placed.base);
  for (size_t i = 0; i < batch.size(); ++i) {
    uintptr_t end = base + (i + 1 < batch.size() ? placed.offsets[i + 1] : placed.size);
    CodeRange r{base + placed.offsets[i], end, batch[i]};
    auto at = std::upper_bound(ranges.begin(), ranges.end(), r.begin,
                               [](uintptr_t pc, const CodeRange& x) { return pc < x.begin; });
    ranges.insert(at, r);
  }
}

// The function a crash happened in: the compiled function whose code holds the faulting pc, or
// for a fault outside generated code (inside a C function, abort) the one that last called out.
ir::FuncId Jit::State::CrashedIn(ir::FuncId entry) const {
  uintptr_t pc = platform::LastFault().pc;
  auto at = std::upper_bound(ranges.begin(), ranges.end(), pc,
                             [](uintptr_t p, const CodeRange& x) { return p < x.begin; });
  if (at != ranges.begin() && pc < std::prev(at)->end) return std::prev(at)->function;
  return flags.calling_out < module->functions.size() ? flags.calling_out : entry;
}

void Jit::State::Adopt(const ir::Module& m) {
  if (module && module != &m) {
    // Another module: ids mean other things now. Old code and globals stay mapped (C may hold them).
    func_addr.clear();
    globals.clear();
    ranges.clear();
    seen_fn.clear();
    seen_gl.clear();
  }
  module = &m;
  func_addr.resize(m.functions.size(), 0);
  globals.resize(m.globals.size(), nullptr);
  seen_fn.resize(m.functions.size(), 0);
  seen_gl.resize(m.globals.size(), 0);
}

bool Jit::State::ResolveExternal(ir::FuncId f, ir::FuncId caller, uint32_t loc) {
  if (func_addr[f]) return true;
  const std::string& name = module->functions[f].name;
  void* p = nullptr;
  if (options.compile_time) p = platform::CompileTimeReplacement(name);
  if (p) {
    if (options.trace) std::fprintf(options.trace, "ctjit: %s -> %p (thrustc's compile-time wrapper)\n", name.c_str(), p);
  } else {
    p = symbols.Find(name);
    if (options.trace) std::fprintf(options.trace, "ctjit: dlsym %s -> %p\n", name.c_str(), p);
  }
  if (!p) {
    std::string libs;
    for (const std::string& l : symbols.SearchedLibraries()) libs += (libs.empty() ? "" : ", ") + l;
    failure = MakeFailure(EvalFailure::Kind::MissingSymbol,
                          "C symbol `" + name + "` not found (searched: " + (libs.empty() ? "no libraries" : libs) + ")",
                          caller < module->functions.size() ? module->functions[caller].name : name);
    if (caller < module->functions.size() && loc != ir::kNoLoc)
      failure->loc = SourceLoc{module->functions[caller].loc_file, loc};
    return false;
  }
  func_addr[f] = uint64_t(uintptr_t(p));
  return true;
}

bool Jit::State::MaterializeGlobal(ir::GlobalId g, std::vector<ir::GlobalId>& fresh) {
  if (globals[g]) return true;
  const ir::Global& gl = module->globals[g];
  if (gl.linkage == ir::Linkage::External) {
    globals[g] = static_cast<uint8_t*>(symbols.Find(gl.name));
    if (options.trace) std::fprintf(options.trace, "ctjit: dlsym %s -> %p\n", gl.name.c_str(), (void*)globals[g]);
    if (!globals[g])
      failure = MakeFailure(EvalFailure::Kind::MissingSymbol, "C symbol `" + gl.name + "` not found", gl.name);
    return globals[g] != nullptr;
  }
  auto* mem = static_cast<uint8_t*>(AllocateGlobal(gl.size, gl.align));
  if (!mem) {
    failure = MakeFailure(EvalFailure::Kind::Crash, "out of memory: cannot allocate global `" + gl.name + "`");
    return false;
  }
  if (!gl.bytes.empty()) std::memcpy(mem, gl.bytes.data(), std::min<size_t>(gl.bytes.size(), gl.size));
  owned.push_back(mem);
  globals[g] = mem;
  fresh.push_back(g);
  return true;
}

// Every function the root can reach (calls, function addresses, pointers inside globals) that
// has no code yet, plus the globals it touches, materialized now (their addresses go into code).
bool Jit::State::CollectClosure(ir::FuncId root, std::vector<ir::FuncId>& batch, std::vector<ir::GlobalId>& fresh) {
  if (++visit == 0) {  // wrapped around: old marks could match again
    std::fill(seen_fn.begin(), seen_fn.end(), 0);
    std::fill(seen_gl.begin(), seen_gl.end(), 0);
    visit = 1;
  }
  std::vector<ir::FuncId> work{root};
  std::vector<ir::GlobalId> gwork;
  seen_fn[root] = visit;
  auto add_fn = [&](ir::FuncId f) {
    if (f < seen_fn.size() && seen_fn[f] != visit) seen_fn[f] = visit, work.push_back(f);
  };
  auto add_gl = [&](ir::GlobalId g) {
    if (g < seen_gl.size() && seen_gl[g] != visit) seen_gl[g] = visit, gwork.push_back(g);
  };
  while (!work.empty() || !gwork.empty()) {
    if (!gwork.empty()) {
      ir::GlobalId g = gwork.back();
      gwork.pop_back();
      if (!MaterializeGlobal(g, fresh)) return false;
      for (const ir::Reloc& r : module->globals[g].relocs) r.to_function ? add_fn(r.target) : add_gl(r.target);
      continue;
    }
    ir::FuncId f = work.back();
    work.pop_back();
    const ir::Function& fn = module->functions[f];
    if (fn.IsExternal()) {
      if (!ResolveExternal(f)) return false;
      continue;
    }
    if (func_addr[f]) continue;
    batch.push_back(f);
    for (const ir::Block& b : fn.blocks) {
      for (const ir::Inst& in : b.insts) {
        // A missing C function is reported at its first use, as the interpreter would.
        bool external = (in.op == ir::Op::Call || in.op == ir::Op::FuncAddr) && in.a < seen_fn.size() &&
                        module->functions[in.a].IsExternal();
        if (external && !ResolveExternal(in.a, f, in.loc)) return false;
        if (in.op == ir::Op::Call || in.op == ir::Op::FuncAddr) add_fn(in.a);
        if (in.op == ir::Op::GlobalAddr) add_gl(in.a);
      }
    }
  }
  return true;
}

bool Jit::State::CompileBatch(const std::vector<ir::FuncId>& batch) {
  if (batch.empty()) return true;
  std::string listing, error;
  target::Emitter emitter(*module, *this, options.print_asm ? &listing : nullptr);
  static const TargetRegs kRegs = target::MakeTargetRegs();
  for (ir::FuncId f : batch) {
    auto t0 = std::chrono::steady_clock::now();
    if (!target::SelectInstructions(*module, f, *this, mf, isel_scratch, error)) {
      failure = MakeFailure(EvalFailure::Kind::Internal, "ctjit: " + error, module->functions[f].name);
      return false;
    }
    auto t1 = std::chrono::steady_clock::now();
    stats.isel_seconds += std::chrono::duration<double>(t1 - t0).count();
    ComputeLiveness(mf, target::kPhysCount, target::kMov, live);
    AllocateRegisters(mf, live, kRegs, alloc);
    auto t2 = std::chrono::steady_clock::now();
    stats.regalloc_seconds += std::chrono::duration<double>(t2 - t1).count();
    if (!emitter.AddFunction(f, mf, alloc, error)) {
      failure = MakeFailure(EvalFailure::Kind::Internal, "ctjit: " + error, module->functions[f].name);
      return false;
    }
    stats.encode_seconds += Since(t2);
    stats.functions++;
    for (const ir::Block& b : module->functions[f].blocks) stats.ir_instructions += b.insts.size();
  }
  auto t3 = std::chrono::steady_clock::now();
  PlacedCode placed;
  if (!emitter.Place(memory, placed, error)) {
    failure = MakeFailure(EvalFailure::Kind::Internal, "ctjit: cannot place code: " + error);
    return false;
  }
  stats.map_seconds += Since(t3);
  stats.code_bytes += placed.size;
  for (size_t i = 0; i < batch.size(); ++i) func_addr[batch[i]] = uint64_t(uintptr_t(placed.base + placed.offsets[i]));
  NoteRanges(batch, placed);
  if (options.print_asm)
    std::fprintf(options.print_asm, "; code at %p, %zu bytes (offsets from there; IR before the code it became)\n%s",
                 (void*)placed.base, placed.size, listing.c_str());
  return true;
}

bool Jit::State::ApplyRelocations(const std::vector<ir::GlobalId>& fresh) {
  for (ir::GlobalId g : fresh) {
    for (const ir::Reloc& r : module->globals[g].relocs) {
      uint64_t target = r.to_function ? func_addr[r.target] : uint64_t(uintptr_t(globals[r.target]));
      uint64_t value = target + uint64_t(r.addend);
      std::memcpy(globals[g] + r.offset, &value, sizeof value);
    }
  }
  return true;
}

bool Jit::State::Prepare(const ir::Module& m, ir::FuncId root) {
  failure.reset();
  Adopt(m);
  if (!invoke) {
    std::string error;
    invoke = target::BuildInvokeThunk(memory, error);
    if (!invoke) {
      failure = MakeFailure(EvalFailure::Kind::Internal, "ctjit: " + error);
      return false;
    }
  }
  if (root >= m.functions.size() || m.functions[root].IsExternal()) {
    failure = MakeFailure(EvalFailure::Kind::Internal, "entry is not a function defined in the module");
    return false;
  }
  std::vector<ir::FuncId> batch;
  std::vector<ir::GlobalId> fresh;
  if (!CollectClosure(root, batch, fresh) || !CompileBatch(batch)) return false;
  return ApplyRelocations(fresh);
}

namespace {
struct InvokeCall {
  target::InvokeFn invoke;
  const void* fn;
  const uint64_t* gp;
  const uint64_t* fp;
  uint64_t* result;
};
void RunInvoke(void* ctx) {
  auto* c = static_cast<InvokeCall*>(ctx);
  c->invoke(c->fn, c->gp, c->fp, c->result);
}
}  // namespace

void Jit::State::StopBlocked(void* self) {
  auto* s = static_cast<State*>(self);
  uint32_t id = s->flags.calling_out;
  std::string_view who = id < s->module->functions.size() ? std::string_view(s->module->functions[id].name)
                                                          : std::string_view("compile-time code");
  platform::StopProcess({"thrustc: error: compile-time evaluation ran past the time limit of ", s->limit_text,
                         " s and is still blocked in a C function called from `", who,
                         "`; stopping (raise the limit with -ct-timeout SECONDS) [CompileTimeTimeout]\n"},
                        1);
}

void Jit::State::StopNative(void* self, platform::NativeStop why, const char* message) {
  auto* s = static_cast<State*>(self);
  RuntimeFail(why == platform::NativeStop::MemoryLimit ? EvalFailure::Kind::MemoryLimit : EvalFailure::Kind::ProcessExit,
              message, s->flags.calling_out);
}

std::optional<EvalFailure> Jit::State::Invoke(ir::FuncId f, const uint64_t* gp, const uint64_t* fp, uint64_t* result) {
  RuntimeContext ctx;
  ctx.module = module;
  ctx.sites = &sites;
  ctx.time_limit_seconds = options.ct_time_limit_seconds;
  ctx.timeout_flag = flags.Deadline();
  RuntimeContext* outer = SetRuntimeContext(&ctx);
  platform::CompileTimeNatives natives{options.ct_memory_limit_bytes, 0, &StopNative, this};
  platform::CompileTimeNativesScope natives_scope(options.compile_time ? &natives : nullptr);
  flags.calling_out = kNobody;
  // Native recursion gets this much of the thread's stack before a clean "stack overflow".
  char here;
  flags.SetStackLimit(uint64_t(uintptr_t(&here)) - kStackBudget);
  InvokeCall call{invoke, reinterpret_cast<const void*>(uintptr_t(func_addr[f])), gp, fp, result};
  auto t0 = std::chrono::steady_clock::now();
  int code;
  {
    platform::Deadline deadline(options.ct_time_limit_seconds, flags.Deadline());
    if (deadline.Failed()) {  // never run time-limited code without its limit
      SetRuntimeContext(outer);
      return MakeFailure(EvalFailure::Kind::Internal, "ctjit: the system refused a timer for -ct-timeout");
    }
    // Code blocked in a C call the deadline's signal does not end never polls the flag: after a
    // grace period thrustc stops with a message instead of hanging (docs/ctjit-isolation.md).
    platform::LastResort last_resort(options.ct_time_limit_seconds > 0 ? options.ct_time_limit_seconds + platform::kBlockedGraceSeconds : 0,
                                     &StopBlocked, this);
    code = platform::RunGuarded(RunInvoke, &call);
  }
  double seconds = Since(t0);
  // The deadline may fire inside a C call that then returns (sleep ends early on its signal) and
  // no poll follows: the limit was still passed.
  bool timed_out = *flags.Deadline() != 0;
  *flags.Deadline() = 0;
  stats.run_seconds += seconds;
  stats.runs++;
  if (options.trace)
    std::fprintf(options.trace, "ctjit: call @%s at %p: %.1f us\n", module->functions[f].name.c_str(), call.fn,
                 seconds * 1e6);
  SetRuntimeContext(outer);
  if (code == platform::kGuardOk && timed_out)
    return MakeFailure(EvalFailure::Kind::Timeout,
                       std::string("compile-time evaluation ran past the time limit of ") + limit_text + " s",
                       module->functions[flags.calling_out < module->functions.size() ? flags.calling_out : f].name);
  if (code > 0)
    return MakeFailure(EvalFailure::Kind::Crash, std::string(platform::DescribeSignal(code)),
                       module->functions[CrashedIn(f)].name);
  if (code == platform::kGuardEscaped)
    return ctx.failure ? *ctx.failure : MakeFailure(EvalFailure::Kind::Internal, "evaluation failed");
  return std::nullopt;
}

Jit::Jit(platform::Symbols& symbols, JitOptions options) : state_(std::make_unique<State>(symbols, options)) {}
Jit::~Jit() = default;

const JitStats& Jit::Stats() const { return state_->stats; }

std::optional<EvalFailure> Jit::Run(const ir::Module& module, ir::FuncId thunk, void* out, size_t) {
  State& s = *state_;
  if (!s.Prepare(module, thunk)) return s.failure;
  uint64_t gp[6] = {uint64_t(uintptr_t(out))}, fp[8] = {}, result[2] = {};
  return s.Invoke(thunk, gp, fp, result);
}

std::optional<EvalFailure> Jit::Call(const ir::Module& module, ir::FuncId f, const std::vector<uint64_t>& args,
                                     uint64_t& result) {
  State& s = *state_;
  if (f >= module.functions.size()) return MakeFailure(EvalFailure::Kind::Internal, "no such function");
  const ir::Signature& sig = module.functions[f].sig;
  if (sig.params.size() != args.size())
    return MakeFailure(EvalFailure::Kind::Internal, "wrong number of arguments", module.functions[f].name);
  uint64_t gp[6] = {}, fp[8] = {}, raw[2] = {};
  size_t ng = 0, nf = 0;
  for (size_t i = 0; i < args.size(); ++i) {
    const ir::AbiType& t = sig.params[i];
    bool is_fp = ir::IsFloat(t.scalar);
    if (t.IsAgg() || (is_fp ? nf >= 8 : ng >= 6))
      return MakeFailure(EvalFailure::Kind::Internal, "not supported yet: this entry signature on the ctjit");
    (is_fp ? fp[nf++] : gp[ng++]) = args[i];
  }
  if (sig.ret.IsAgg()) return MakeFailure(EvalFailure::Kind::Internal, "not supported yet: aggregate results from an entry");
  if (!s.Prepare(module, f)) return s.failure;
  auto failure = s.Invoke(f, gp, fp, raw);
  ir::Type t = sig.ret.scalar;
  if (ir::IsFloat(t)) result = t == ir::Type::F32 ? raw[1] & 0xffffffffu : raw[1];
  else if (ir::IsInt(t) && ir::TypeSize(t) < 8) {
    unsigned sh = 64 - ir::TypeSize(t) * 8;
    result = uint64_t(int64_t(raw[0] << sh) >> sh);
  } else {
    result = t == ir::Type::Void ? 0 : raw[0];
  }
  return failure;
}

std::optional<EvalFailure> Jit::RunMain(const ir::Module& module, ir::FuncId entry, const std::vector<std::string>& args,
                                        int& exit_code) {
  if (entry >= module.functions.size()) return MakeFailure(EvalFailure::Kind::Internal, "no entry function");
  const ir::Signature& sig = module.functions[entry].sig;
  ir::EntryArgs entry_args;
  if (auto bad = ir::BuildEntryArgs(sig, args, entry_args)) return MakeFailure(EvalFailure::Kind::Internal, *bad);
  uint64_t result = 0;
  auto failure = Call(module, entry, entry_args.values, result);
  exit_code = sig.ret.scalar == ir::Type::Void ? 0 : int(int32_t(result));
  return failure;
}

std::optional<std::string> Jit::ReadCString(uint64_t address) {
  std::string text;
  if (!platform::ReadCStringGuarded(uintptr_t(address), text)) return std::nullopt;
  return text;
}

}  // namespace thrustc::ctjit
