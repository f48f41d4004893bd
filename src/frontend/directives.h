// `directive "FLAG";` items (contract section 14): a command-line flag that applies to the file
// holding it. The flags are a table (directives.cpp); what they change is DirectiveEffects and the
// file's warning exceptions in the DiagnosticEngine.
#pragma once
#include <string>
#include <vector>

#include "frontend/syntax/ast.h"
#include "support/diagnostics.h"
#include "support/source.h"

namespace thrustc::frontend {

// What the directives of all files add to the compilation.
struct DirectiveEffects {
  std::vector<std::string> c_include_dirs;  // --import-c-include=DIR
  std::vector<std::string> c_defines;       // --import-c-define=NAME[=V]
};

// Applies every directive of `ast` (reporting unknown flags as InvalidDirective and ignored ones
// as IgnoredDirective notes).
void ApplyDirectives(const Ast& ast, const SourceManager& sources, DiagnosticEngine& diags, DirectiveEffects& out);

}  // namespace thrustc::frontend
