// The frontend's entry after parsing: resolves names, computes types and layouts, checks every
// rule of the language page (sema/), lowers the checked program to Thrust IR (lower/) and
// evaluates compile-time code through an ir::Evaluator, in dependency order (this folder's
// check-and-lower driver: check_and_lower.cpp, consteval.cpp).
#pragma once
#include <vector>

#include "frontend/sema/c_decls.h"
#include "frontend/sema/facts.h"
#include "frontend/sema/modules.h"
#include "frontend/syntax/ast.h"
#include "ir/evaluator.h"
#include "ir/ir.h"
#include "support/diagnostics.h"

namespace thrustc::frontend {

struct CheckAndLowerInput {
  std::vector<const Ast*> files;  // every parsed file: command-line files and imported ones
  NameTable* names = nullptr;
  const SourceManager* sources = nullptr;
  DiagnosticEngine* diags = nullptr;
  ir::Evaluator* evaluator = nullptr;  // runs compile-time code
  const CDecls* c_decls = nullptr;     // declarations from importC headers (may be null)
  CompileFacts facts;                  // the target, host and compiler facts of section 8.1
  ModuleInput modules;                 // what each import loaded (13)
};

// Fills `out` with the whole program (compile-time-only functions marked `compiletime`).
// Returns false when errors were reported.
bool CheckAndLower(const CheckAndLowerInput& input, ir::Module& out);

}  // namespace thrustc::frontend
