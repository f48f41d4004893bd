// Shared fixture of the ctjit tests that run real machine code (calls_test.cpp,
// crash_listing_test.cpp): parsing IR text, the symbol table the Jit resolves externs in, and
// capturing the -print ctjit-asm listing of a run.
#pragma once
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "ctjit/jit.h"
#include "ir/ir_parser.h"

namespace thrustc::ctjit::testing {

inline ir::Module Parse(const std::string& text) {
  ir::Module m;
  ir::ParseError error;
  bool ok = ir::ParseModule(text, m, error);
  INFO(error.message << " at line " << error.line);
  REQUIRE(ok);
  return m;
}

// One symbol table for the whole test binary: resolving C functions is not what is under test.
inline platform::Symbols& Syms() {
  static platform::Symbols symbols;
  return symbols;
}

// What `run(options)` prints with print_asm set: `run` builds its Jit from the options given.
template <class Run>
std::string CaptureListing(Run&& run) {
  char* buf = nullptr;
  size_t len = 0;
  FILE* out = open_memstream(&buf, &len);
  JitOptions options;
  options.print_asm = out;
  run(options);
  std::fclose(out);
  std::string text(buf, len);
  std::free(buf);
  return text;
}

}  // namespace thrustc::ctjit::testing
