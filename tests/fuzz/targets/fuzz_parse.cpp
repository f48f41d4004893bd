// fuzz_parse: the lexer and the parser (src/frontend/syntax/lexer.cpp, parse_*.cpp) on arbitrary bytes.
// Both must turn any input into tokens, an AST and diagnostics without crashing; the token and
// AST printers (`-print tokens|ast`) and the diagnostic renderer run on what they produced.
#include <cstddef>
#include <cstdint>
#include <string>

#include "frontend/syntax/lexer.h"
#include "frontend/syntax/parser.h"
#include "support/diagnostics.h"

using namespace thrustc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  SourceManager sources;
  DiagnosticEngine diags(sources);
  frontend::NameTable names;
  FileId file = sources.AddBuffer("fuzz.thrust", std::string(reinterpret_cast<const char*>(data), size));
  const std::string& text = sources.File(file).text;
  frontend::TokenList tokens = frontend::Lex(file, text, diags);
  std::string printed = frontend::PrintTokens(tokens, text, sources);
  frontend::Ast ast = frontend::Parse(tokens, text, names, diags);
  printed += frontend::PrintAst(ast, names);
  for (const Diagnostic& d : diags.All()) printed += diags.Render(d);
  return 0;
}
