// fuzz_check: lex → parse → check and lower (frontend::CheckAndLower), as `thrustc -check` does
// in src/driver/compile.cpp, but without running compile-time code: the evaluator refuses every
// evaluation, so the checker's failure path runs instead. Inputs with parse errors stop where the
// driver stops. A program that checks cleanly must lower to IR the verifier accepts.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "frontend/check_and_lower.h"
#include "frontend/syntax/lexer.h"
#include "frontend/syntax/parser.h"
#include "ir/evaluator.h"
#include "ir/verifier.h"
#include "support/diagnostics.h"

using namespace thrustc;

namespace {

// Running compile-time code is fuzz_ctjit's business, not this target's: every run fails
// the way an evaluator reports a broken environment, which the checker must report and survive.
class RefusingEvaluator : public ir::Evaluator {
 public:
  std::optional<ir::EvalFailure> Run(const ir::Module& module, ir::FuncId thunk, void* out, size_t out_size) override {
    ir::EvalFailure f;
    f.kind = ir::EvalFailure::Kind::Internal;
    f.message = "compile-time evaluation is disabled in fuzz_check";
    if (thunk < module.functions.size()) f.function = module.functions[thunk].name;
    return f;
  }
  std::optional<std::string> ReadCString(uint64_t address) override { return std::nullopt; }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  SourceManager sources;
  DiagnosticEngine diags(sources);
  frontend::NameTable names;
  FileId file = sources.AddBuffer("fuzz.thrust", std::string(reinterpret_cast<const char*>(data), size));
  const std::string& text = sources.File(file).text;
  frontend::TokenList tokens = frontend::Lex(file, text, diags);
  frontend::Ast ast = frontend::Parse(tokens, text, names, diags);
  if (diags.HasErrors()) return -1;  // the driver checks nothing after a parse error; not kept
  RefusingEvaluator evaluator;
  // No importC: without libclang the importC items are reported, as in a build without it.
  frontend::CheckAndLowerInput input{{&ast}, &names, &sources, &diags, &evaluator, nullptr};
  ir::Module module;
  bool ok = frontend::CheckAndLower(input, module);
  std::string rendered;
  for (const Diagnostic& d : diags.All()) rendered += diags.Render(d);
  if (ok && !diags.HasErrors() && !ir::Verify(module).empty()) __builtin_trap();  // lowering made bad IR
  return 0;
}
