// Semantic analysis and lowering: resolves names, computes types and layouts, checks every rule
// of the language page, evaluates compile-time code through an ir::Evaluator (in dependency
// order), and lowers the checked program to Thrust IR.
#pragma once
#include <vector>

#include "frontend/ast.h"
#include "frontend/c_decls.h"
#include "ir/evaluator.h"
#include "ir/ir.h"
#include "support/diagnostics.h"

namespace thrustc::frontend {

struct SemaInput {
  std::vector<const Ast*> files;  // every parsed file: command-line files and imported ones
  NameTable* names = nullptr;
  const SourceManager* sources = nullptr;
  DiagnosticEngine* diags = nullptr;
  ir::Evaluator* evaluator = nullptr;  // runs compile-time code
  const CDecls* c_decls = nullptr;     // declarations from importC headers (may be null)
};

// Fills `out` with the whole program (compile-time-only functions marked `compiletime`).
// Returns false when errors were reported.
bool CheckAndLower(const SemaInput& input, ir::Module& out);

}  // namespace thrustc::frontend
