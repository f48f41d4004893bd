// fuzz_ctjit: differential fuzzing of the compile-time JIT (src/ctjit) against the interpreter
// (src/interp, the oracle) on verified IR modules built from a structured input
// (program_builder.h), so instruction selection, register allocation and encoding see odd but
// valid IR. Calls entry(args1), observe(), entry(args2), observe() on a fresh interpreter and a
// fresh Jit; any difference in a result or in a failure (kind, trap, message, function) traps.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "ctjit/jit.h"
#include "interp/interpreter.h"
#include "ir/printer.h"
#include "ir/verifier.h"
#include "platform/symbols.h"
#include "program_builder.h"

using namespace thrustc;

namespace {

struct Outcome {
  std::optional<ir::EvalFailure> failure;
  uint64_t value = 0;  // normalised to the result type
};

// The raw result as the type means it: integers sign-extended from their width, f32 as 32 bits.
uint64_t Normalize(ir::Type t, uint64_t v) {
  if (t == ir::Type::Void) return 0;
  if (t == ir::Type::F32) return v & 0xffffffffu;
  if (ir::IsInt(t) && ir::TypeSize(t) < 8) {
    unsigned sh = 64 - ir::TypeSize(t) * 8;
    return uint64_t(int64_t(v << sh) >> sh);
  }
  return v;
}

bool IsNan(ir::Type t, uint64_t v) {
  if (t == ir::Type::F32) return std::isnan(std::bit_cast<float>(uint32_t(v)));
  if (t == ir::Type::F64) return std::isnan(std::bit_cast<double>(v));
  return false;
}

// NaNs are equal whatever their payload: the IR does not define payloads, and no op of the
// generated programs turns a float's bits into an integer.
bool SameOutcome(ir::Type t, const Outcome& a, const Outcome& b) {
  if (a.failure.has_value() != b.failure.has_value()) return false;
  if (a.failure) {
    const ir::EvalFailure &x = *a.failure, &y = *b.failure;
    return x.kind == y.kind && x.trap == y.trap && x.message == y.message && x.function == y.function;
  }
  return a.value == b.value || (IsNan(t, a.value) && IsNan(t, b.value));
}

std::string Describe(ir::Type t, const Outcome& o) {
  if (o.failure) return "failure kind " + std::to_string(int(o.failure->kind)) + " (" + o.failure->message + ") in @" +
                        o.failure->function;
  char buf[64];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(o.value));
  return buf;
}

platform::Symbols& Syms() {
  static platform::Symbols symbols;
  return symbols;
}

bool Env(const char* name) { return std::getenv(name) != nullptr; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Program program = fuzz::BuildProgram(data, size);
  const ir::Module& m = program.module;
  std::vector<std::string> problems = ir::Verify(m);
  if (!problems.empty()) {  // a gap in the builder, not a finding: the input is not kept
    if (Env("THRUSTC_FUZZ_VERBOSE")) {
      std::fprintf(stderr, "fuzz_ctjit: discarded, the module does not verify: %s\n", problems[0].c_str());
      if (Env("THRUSTC_FUZZ_PRINT")) std::fputs(ir::Print(m).c_str(), stderr);
    }
    return -1;
  }
  if (Env("THRUSTC_FUZZ_PRINT")) std::fputs(ir::Print(m).c_str(), stderr);

  // One fresh executor of each kind per module, as one compilation has: no time limit (every
  // loop spends fuel), and the ctjit's crash guard is in place around each call. Calls never
  // recurse, so a 1 MiB interpreter stack is plenty; the default 64 MiB, allocated and released
  // per input under ASan, would be most of the time spent.
  interp::InterpOptions interp_options;
  interp_options.max_stack_bytes = 1 << 20;
  interp::Interpreter interp(Syms(), interp_options);
  ctjit::Jit jit(Syms());
  struct Step {
    ir::FuncId f;
    const std::vector<uint64_t>* args;
  };
  static const std::vector<uint64_t> kNoArgs;
  const Step steps[] = {{program.entry, &program.arg_sets[0]}, {program.observe, &kNoArgs},
                        {program.entry, &program.arg_sets[1]}, {program.observe, &kNoArgs}};
  for (const Step& step : steps) {
    ir::Type t = m.functions[step.f].sig.ret.scalar;
    Outcome a, b;
    a.failure = interp.Call(m, step.f, *step.args, a.value);
    b.failure = jit.Call(m, step.f, *step.args, b.value);
    a.value = a.failure ? 0 : Normalize(t, a.value);
    b.value = b.failure ? 0 : Normalize(t, b.value);
    if (Env("THRUSTC_FUZZ_PRINT"))
      std::fprintf(stderr, "@%s: interp %s, jit %s\n", m.functions[step.f].name.c_str(), Describe(t, a).c_str(),
                   Describe(t, b).c_str());
    if (SameOutcome(t, a, b)) continue;
    std::string args;
    for (uint64_t v : *step.args) args += (args.empty() ? "" : ", ") + std::to_string(int64_t(v));
    std::fprintf(stderr, "fuzz_ctjit: the executors disagree on @%s(%s):\n  interp: %s\n  jit:    %s\n%s",
                 m.functions[step.f].name.c_str(), args.c_str(), Describe(t, a).c_str(), Describe(t, b).c_str(),
                 ir::Print(m).c_str());
    __builtin_trap();
  }
  return 0;
}
