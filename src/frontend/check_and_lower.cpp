// The check-and-lower driver: the checker collects every top-level declaration of every file,
// then they are checked and lowered in source order (compile-time work happens on demand, in
// dependency order, through consteval.cpp).
#include "frontend/check_and_lower.h"

#include "frontend/check_and_lower_impl.h"

namespace thrustc::frontend {

CheckAndLowerDriver::CheckAndLowerDriver(const CheckAndLowerInput& in, ir::Module& m)
    : Lowerer(CheckInput{in.files, in.names, in.sources, in.diags, in.c_decls, in.facts, in.modules}, m),
      evaluator_(in.evaluator) {}

bool CheckAndLowerDriver::Run() {
  Collect();
  // Source order; everything a declaration depends on is handled on demand first.
  for (uint32_t s = 0; s < syms_.size(); ++s) {
    Symbol& sym = syms_[s];
    if (sym.file == kCFile) continue;  // imported from C: complete, or checked where used
    if (sym.generic) continue;         // only its instances are checked (they follow in syms_)
    SourceRange r = TokRange(sym.file, sym.tok);
    switch (sym.kind) {
      case SymKind::Struct: EnsureSymbolType(s); break;
      case SymKind::Alias: EnsureSymbolType(s); break;
      case SymKind::Const: EnsureConst(s, r); break;
      case SymKind::Static: EnsureStaticInit(s, r); break;
      case SymKind::Enum:
        for (uint32_t m = 0; m < enum_members_[sym.value].size(); ++m) EnsureEnumMember(s, m, r);
        break;
      case SymKind::Func:
        if (!sym.is_extern) EnsureFunctionChecked(s, r);
        break;
      default: break;
    }
  }
  return !in_.diags->HasErrors();
}

bool CheckAndLower(const CheckAndLowerInput& input, ir::Module& out) {
  CheckAndLowerDriver driver(input, out);
  return driver.Run();
}

}  // namespace thrustc::frontend
