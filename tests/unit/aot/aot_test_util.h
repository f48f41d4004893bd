// Helpers for the AOT unit tests: parse IR text, lower it (LLVM's verifier always on), and check
// the LLVM IR text FileCheck-style: each pattern must appear, in order, after the previous one.
#pragma once
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "aot/aot.h"
#include "ir/ir_parser.h"
#include "ir/verifier.h"

namespace aot_test {

using namespace thrustc;

inline ir::Module Parse(const std::string& text) {
  ir::Module m;
  ir::ParseError error;
  bool ok = ir::ParseModule(text, m, error);
  INFO(error.message << " at line " << error.line << ":" << error.col);
  REQUIRE(ok);
  std::vector<std::string> problems = ir::Verify(m);
  INFO((problems.empty() ? std::string() : problems.front()));
  REQUIRE(problems.empty());
  return m;
}

// The module as LLVM IR after lowering (and the verifier) at `opt`, for `triple`.
inline std::string LlvmIr(const std::string& text, const std::string& triple = "x86_64-linux-gnu",
                          aot::OptLevel opt = aot::OptLevel::O0) {
  ir::Module m = Parse(text);
  aot::AotOptions options;
  options.opt = opt;
  options.target_triple = triple;
  options.verify = true;
  std::string out, error;
  bool ok = aot::PrintArtifact(m, options, aot::Artifact::LlvmIr, &out, &error);
  INFO(error);
  REQUIRE(ok);
  return out;
}

// FileCheck's CHECK: lines, in order.
inline void CheckInOrder(const std::string& text, const std::vector<std::string>& patterns) {
  size_t at = 0;
  for (const std::string& p : patterns) {
    size_t found = text.find(p, at);
    INFO("pattern not found (in order): " << p << "\n--- in:\n" << text);
    CHECK(found != std::string::npos);
    if (found == std::string::npos) return;
    at = found + p.size();
  }
}

}  // namespace aot_test
