// Parser: TokenList -> Ast. Recursive descent with precedence climbing; recovers at statement
// and declaration boundaries so one run reports many errors.
#pragma once
#include <string>
#include <string_view>

#include "frontend/syntax/ast.h"
#include "support/diagnostics.h"

namespace thrustc::frontend {

Ast Parse(const TokenList& tokens, std::string_view text, NameTable& names, DiagnosticEngine& diags);

// `-print ast`: an indented tree, one node a line.
std::string PrintAst(const Ast& ast, const NameTable& names);

}  // namespace thrustc::frontend
