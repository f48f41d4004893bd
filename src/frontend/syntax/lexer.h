// Lexer: source text -> TokenList (flat arrays). First phase of the frontend.
#pragma once
#include <string>
#include <string_view>

#include "frontend/syntax/ast.h"
#include "support/diagnostics.h"

namespace thrustc::frontend {

// Lexes a whole file. Errors become diagnostics and the lexer continues; the list always ends
// with an Eof token.
TokenList Lex(FileId file, std::string_view text, DiagnosticEngine& diags);

// `-print tokens`: one token a line, `line:col Kind 'text'`.
std::string PrintTokens(const TokenList& tokens, std::string_view text, const SourceManager& sources);

}  // namespace thrustc::frontend
